namespace TextGameGen.Grains;

/// <summary>What a generator on this silo is: its resolved name, model version and context length in tokens.</summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.GeneratorInfo")]
public sealed record GeneratorInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] string Version,
    [property: Id(2)] int ContextLength);
