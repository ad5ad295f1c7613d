using System.Text.Json.Serialization;

namespace TextGameGen.Inference.Packaging;

/// <summary>(Properties of these records have setters, not init: generated deserializers set every init property, absent ones to null.)
/// Model directory files, serialized by source-generated System.Text.Json (snake_case keys, indented; NaN allowed for losses).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ModelManifest))]
[JsonSerializable(typeof(ModelConfigFile))]
internal sealed partial class PackagingJson : JsonSerializerContext;
