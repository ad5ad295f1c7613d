using TextGameGen.Contracts.Sampling;

namespace TextGameGen.Grains;

/// <summary>
/// A generator held for one passage: which model version will write it, its context length (the passage's prompt is
/// built to fit it) and the sampler preset the registry has active for it (null: the caller's own settings). The
/// version stays loaded while a lease on it is open, so a promotion between building the prompt and generating does
/// not change what writes the passage. Ended by the generation it is used for, or by expiry. <see cref="Silo"/> names the
/// silo that holds it (its address, as Orleans writes it): the generation goes there. <see cref="QueueFull"/>: that
/// generator's line was full when leased, so a generation with this lease is answered "busy" at once (the caller can
/// answer so itself without building its prompt); such a lease holds nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.GeneratorLease")]
public sealed record GeneratorLease(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Generator,
    [property: Id(2)] string Version,
    [property: Id(3)] int ContextLength,
    [property: Id(4)] SamplerSettings? Preset = null,
    [property: Id(5)] string? PresetVersion = null,
    [property: Id(6)] string? Silo = null,
    [property: Id(7)] bool QueueFull = false)
{
    /// <summary>The name that means "the first generator this silo serves".</summary>
    public const string DefaultGenerator = "default";
}
