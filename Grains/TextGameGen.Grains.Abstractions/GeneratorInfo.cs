namespace TextGameGen.Grains;

/// <summary>
/// What a generator on this silo is: its resolved name, model version, context length in tokens, and the sampler
/// preset its registry has active (null: none, the game's own settings apply).
/// </summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.GeneratorInfo")]
public sealed record GeneratorInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] string Version,
    [property: Id(2)] int ContextLength,
    [property: Id(3)] StorySampler? Preset = null,
    [property: Id(4)] string? PresetVersion = null);
