using System.ComponentModel.DataAnnotations;
using TextGameGen.Contracts.Sampling;

namespace TextGameGen.Grains.Game;

/// <summary>Configuration section <c>TextGameGen:Game</c>: how stories are written and played. Validated at start.</summary>
public sealed class GameOptions : IValidatableObject
{
    public const string Section = "TextGameGen:Game";

    /// <summary>The world players join unless they choose another (its definition file, or the village template).</summary>
    [Required, RegularExpression("^[a-z0-9][a-z0-9-]{0,47}$", ErrorMessage = "DefaultWorld is 1 to 48 lowercase letters, digits and '-'.")]
    public string DefaultWorld { get; set; } = "fantasy";

    /// <summary>The folder of the world definition files; empty: <c>worlds/</c> in the working folder or the nearest folder above it.</summary>
    public string? WorldsRoot { get; set; }

    /// <summary>The generator (model) of a world without a definition file; "default" is the first one served.</summary>
    [Required]
    public string Generator { get; set; } = GeneratorLease.DefaultGenerator;

    /// <summary>Most tokens per passage (capped at a third of the model's context so history still fits).</summary>
    [Range(1, SamplerSettings.MaxAllowedNewTokens)]
    public int PassageTokens { get; set; } = 64;

    /// <summary>
    /// Tokens a passage has at least before it may end at a sentence end (0: it runs to <see cref="PassageTokens"/> and
    /// the trailing fragment is cut). Passages end with whole sentences either way.
    /// </summary>
    [Range(0, SamplerSettings.MaxAllowedNewTokens)]
    public int MinPassageTokens { get; set; } = 24;

    /// <summary>
    /// Past <see cref="MinPassageTokens"/>, each further token adds this to the logits of sentence-ending tokens
    /// (<see cref="SamplerSettings.SentenceEndPush"/>), so a passage that runs on ends a sentence before
    /// <see cref="PassageTokens"/> rather than being cut back to its last whole sentence, or to nothing (0: off).
    /// </summary>
    [Range(0.0, 5.0)]
    public float SentenceEndPush { get; set; } = 0.25f;

    /// <summary>
    /// Taken from the logits of the character names of the generator's books (its <c>names.txt</c>) that the context does
    /// not give (<see cref="SamplerSettings.ForeignNamePenalty"/>), so passages call the player and the world's people by
    /// their own names, not "Dorothy" or "the Scarecrow" (0: off).
    /// </summary>
    [Range(0.0, 100.0)]
    public float ForeignNamePenalty { get; set; } = 10f;

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

    /// <summary>
    /// Turns a player's state keeps (the rest move to the turn log once settled, so a turn's write costs the same however
    /// long the story is). The context is built from these: a 512-token context holds memory, world events and about six
    /// turns of 60 tokens.
    /// </summary>
    [Range(2, 200)]
    public int RecentTurns { get; set; } = 8;

    /// <summary>How long a world keeps a player who went offline in its list (GM events go to players online only).</summary>
    public TimeSpan RecentPlayers { get; set; } = TimeSpan.FromHours(1);

    /// <summary>GM events a world keeps (players coming back catch up from these).</summary>
    [Range(1, 10_000)]
    public int KeptWorldEvents { get; set; } = 100;

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

    /// <summary>
    /// A passage answered "busy" is not written on its own: the player's next write carries it, or this long after the
    /// answer at the latest (on a saturated server most passages end busy, and each was a write of the whole state).
    /// A crash before then leaves the passage pending, written when the player comes back.
    /// </summary>
    public TimeSpan BusyAnswerWriteDelay { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BusyAnswerWriteDelay < TimeSpan.Zero || BusyAnswerWriteDelay > TimeSpan.FromMinutes(1))
            yield return new ValidationResult("BusyAnswerWriteDelay is between 0 and 1 minute.", [nameof(BusyAnswerWriteDelay)]);
        if (Sampler.Validate() is { } error) yield return new ValidationResult($"Sampler: {error}", [nameof(Sampler)]);
        if (StreamInterval < TimeSpan.Zero || StreamInterval > TimeSpan.FromSeconds(10)) yield return new ValidationResult("StreamInterval is between 0 and 10 seconds.", [nameof(StreamInterval)]);
        if (RecentPlayers < TimeSpan.Zero) yield return new ValidationResult("RecentPlayers must not be negative.", [nameof(RecentPlayers)]);
        if (PassageDeadline <= TimeSpan.Zero) yield return new ValidationResult("PassageDeadline must be positive.", [nameof(PassageDeadline)]);
    }
}
