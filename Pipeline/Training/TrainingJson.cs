using System.Text.Json.Serialization;

namespace TextGameGen.Pipeline.Training;

/// <summary>The training run's files (run.json), serialized by source-generated System.Text.Json.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(TrainingPlan))]
internal sealed partial class TrainingJson : JsonSerializerContext;
