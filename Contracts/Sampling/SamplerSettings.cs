namespace TextGameGen.Contracts.Sampling;

/// <summary>
/// How the next token is chosen and when a generation stops: the one sampler record, used by the game (configured
/// per world or from the registry's presets), carried between grains, and applied by the inference engine. Temperature 0
/// means greedy; a seed makes sampling deterministic.
/// </summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.SamplerSettings")]
public sealed record SamplerSettings
{
    public const int MaxAllowedNewTokens = 4096;

    [Id(0)] public float Temperature { get; init; } = 0.8f;

    /// <summary>Keep only the k most likely tokens; 0 turns it off.</summary>
    [Id(1)] public int TopK { get; init; } = 40;

    /// <summary>Keep the smallest set of tokens whose probability reaches p; 1 turns it off.</summary>
    [Id(2)] public float TopP { get; init; } = 0.95f;

    /// <summary>Divides positive logits (multiplies negative ones) of tokens seen recently; 1 turns it off.</summary>
    [Id(3)] public float RepetitionPenalty { get; init; } = 1.15f;

    /// <summary>How many of the most recent tokens (prompt included) the repetition penalty looks at; 0 means all.</summary>
    [Id(4)] public int RepetitionPenaltyRange { get; init; } = 64;

    [Id(5)] public int MaxNewTokens { get; init; } = 64;

    /// <summary>Generation ends when the generated text contains one of these; the stop string is not returned.</summary>
    [Id(6)] public IReadOnlyList<string> StopStrings { get; init; } = [];

    [Id(7)] public int? Seed { get; init; }

    /// <summary>Never end on <c>&lt;|endoftext|&gt;</c> (benchmarks that need a fixed number of tokens).</summary>
    [Id(8)] public bool IgnoreEndOfText { get; init; }

    /// <summary>
    /// Once this many tokens are written, the generation ends at the next sentence end (0: off): passages end with a
    /// sentence, not in the middle of one.
    /// </summary>
    [Id(9)] public int StopAtSentenceEndAfter { get; init; }

    /// <summary>
    /// Past <see cref="StopAtSentenceEndAfter"/>, each further token adds this much more to the logits of the tokens that
    /// end a sentence (". ! ?" and closing quotes), so a passage that runs on is drawn to an end before
    /// <see cref="MaxNewTokens"/> cuts it (0: off). Only with <see cref="StopAtSentenceEndAfter"/> set.
    /// </summary>
    [Id(10)] public float SentenceEndPush { get; init; }

    /// <summary>
    /// Subtracted from the logits of the character names of the books the model learnt from (its <c>names.txt</c>) that
    /// are not among <see cref="KnownNames"/>, so a passage calls the player and the people of the world by the names
    /// the context gives, not "Dorothy" or "Gretel" (0: off; 10 or more all but forbids them).
    /// </summary>
    [Id(11)] public float ForeignNamePenalty { get; init; }

    /// <summary>The names the context gives (the player, the people present): never penalised as foreign.</summary>
    [Id(12)] public IReadOnlyList<string> KnownNames { get; init; } = [];

    public const int MaxKnownNames = 256;
    public const int MaxNameChars = 40;

    public static SamplerSettings Greedy { get; } = new() { Temperature = 0, TopK = 0, TopP = 1, RepetitionPenalty = 1 };

    /// <summary>Returns null when every setting is in range, else a message naming the setting.</summary>
    public string? Validate()
    {
        if (!float.IsFinite(Temperature) || Temperature < 0 || Temperature > 5) return $"temperature must be between 0 and 5 (got {Temperature}).";
        if (TopK < 0) return $"top_k must be 0 (off) or positive (got {TopK}).";
        if (!float.IsFinite(TopP) || TopP <= 0 || TopP > 1) return $"top_p must be in (0, 1] (got {TopP}).";
        if (!float.IsFinite(RepetitionPenalty) || RepetitionPenalty < 1 || RepetitionPenalty > 10) return $"repetition_penalty must be between 1 and 10 (got {RepetitionPenalty}).";
        if (RepetitionPenaltyRange < 0) return $"repetition_penalty_range must be 0 (all) or positive (got {RepetitionPenaltyRange}).";
        if (MaxNewTokens < 1 || MaxNewTokens > MaxAllowedNewTokens) return $"max_new_tokens must be between 1 and {MaxAllowedNewTokens} (got {MaxNewTokens}).";
        if (StopStrings.Any(string.IsNullOrEmpty)) return "stop strings must not be empty.";
        if (StopAtSentenceEndAfter < 0) return $"stop_at_sentence_end_after must be 0 (off) or positive (got {StopAtSentenceEndAfter}).";
        if (!float.IsFinite(SentenceEndPush) || SentenceEndPush < 0 || SentenceEndPush > 5) return $"sentence_end_push must be between 0 and 5 (got {SentenceEndPush}).";
        if (!float.IsFinite(ForeignNamePenalty) || ForeignNamePenalty < 0 || ForeignNamePenalty > 100) return $"foreign_name_penalty must be between 0 and 100 (got {ForeignNamePenalty}).";
        if (KnownNames.Count > MaxKnownNames) return $"known_names holds at most {MaxKnownNames} names (got {KnownNames.Count}).";
        if (KnownNames.Any(n => string.IsNullOrWhiteSpace(n) || n.Length > MaxNameChars)) return $"known names are 1 to {MaxNameChars} characters.";
        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void EnsureValid()
    {
        if (Validate() is { } error) throw new ArgumentException(error);
    }
}
