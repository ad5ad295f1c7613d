using System.Text.Json.Serialization;

namespace TextGameGen.Inference.Registry;

/// <summary>(Properties of these records have setters, not init: generated deserializers set every init property, absent ones to null.)
/// The registry's files, serialized by source-generated System.Text.Json (snake_case keys, indented).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RegistryState))]
[JsonSerializable(typeof(PresetFile))]
[JsonSerializable(typeof(List<LoadFailure>))]
internal sealed partial class RegistryJson : JsonSerializerContext;
