using System.ComponentModel.DataAnnotations;
using TextGameGen.Contracts.Sampling;

namespace TextGameGen.Grains.Game;

/// <summary>Configuration section <c>TextGameGen:Game</c>: how stories are written and played. Validated at start.</summary>
public sealed class GameOptions : IValidatableObject
{
    public const string Section = "TextGameGen:Game";

    /// <summary>The world players join unless they name another.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,48}$", ErrorMessage = "DefaultWorld is 1 to 48 letters, digits, '-' or '_'.")]
    public string DefaultWorld { get; set; } = "default";

    /// <summary>The generator (model) stories are written with; "default" is the first one served.</summary>
    [Required]
    public string Generator { get; set; } = GeneratorLease.DefaultGenerator;

    /// <summary>Tokens per passage (capped at a third of the model's context so history still fits).</summary>
    [Range(1, SamplerSettings.MaxAllowedNewTokens)]
    public int PassageTokens { get; set; } = 48;

    /// <summary>Longest command accepted, in characters, after normalisation.</summary>
    [Range(1, 16 * 1024)]
    public int MaxCommandChars { get; set; } = 500;

    /// <summary>Longest memory and author's note, in characters.</summary>
    [Range(0, 16 * 1024)]
    public int MaxMemoryChars { get; set; } = 1000;

    /// <summary>How passages are sampled when the registry has no active preset (a fresh seed is drawn for each and recorded with the turn).</summary>
    public SamplerSettings Sampler { get; set; } = new();

    /// <summary>A passage at least this similar (0..1) to the previous one is written again with a stronger penalty.</summary>
    [Range(0.0, 1.0)]
    public double LoopGuardSimilarity { get; set; } = 0.7;

    /// <summary>Added to the repetition penalty for each rewrite by the loop guard.</summary>
    [Range(0.0, 5.0)]
    public float LoopGuardPenaltyStep { get; set; } = 0.35f;

    [Range(0, 10)]
    public int LoopGuardMaxRewrites { get; set; } = 2;

    /// <summary>World events kept in each player's context.</summary>
    [Range(0, 100)]
    public int RecentWorldEvents { get; set; } = 3;

    /// <summary>
    /// Least time between two streamed pieces of a passage (the first piece goes at once; the generation grain joins
    /// what comes in between). Zero: a message per token.
    /// </summary>
    public TimeSpan StreamInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a passage may wait and run before it is given up (the turn then shows the error; retry writes it again).</summary>
    public TimeSpan PassageDeadline { get; set; } = TimeSpan.FromMinutes(2);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Sampler.Validate() is { } error) yield return new ValidationResult($"Sampler: {error}", [nameof(Sampler)]);
        if (StreamInterval < TimeSpan.Zero || StreamInterval > TimeSpan.FromSeconds(10)) yield return new ValidationResult("StreamInterval is between 0 and 10 seconds.", [nameof(StreamInterval)]);
        if (PassageDeadline <= TimeSpan.Zero) yield return new ValidationResult("PassageDeadline must be positive.", [nameof(PassageDeadline)]);
    }
}
