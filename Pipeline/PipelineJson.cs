using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using TextGameGen.Pipeline.Training;

namespace TextGameGen.Pipeline;

/// <summary>The pipeline's own files, serialized by source-generated System.Text.Json (snake_case keys, indented).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(TrainingPlan))]
[JsonSerializable(typeof(Feedback.FeedbackRow))]
internal sealed partial class PipelineJson : JsonSerializerContext
{
    /// <summary>One record per line (JSON Lines, camelCase keys as the web uses them), text kept readable.</summary>
    public static PipelineJson Lines { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>Reads a JSON file; a file that is not valid JSON of the expected shape is an error naming the file.</summary>
    public static T Read<T>(string path, JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), type) ?? throw new InvalidDataException($"'{path}' is empty (null).");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not valid: {ex.Message}", ex);
        }
    }
}
