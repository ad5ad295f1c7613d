namespace TextGameGen.Grains.Game;

/// <summary>Configuration section <c>TextGameGen:Game</c>: how stories are written and played.</summary>
public sealed class GameOptions
{
    public const string Section = "TextGameGen:Game";

    /// <summary>The world players join unless they name another.</summary>
    public string DefaultWorld { get; set; } = "default";

    /// <summary>The generator (model) stories are written with; "default" is the first one loaded.</summary>
    public string Generator { get; set; } = GenerationRequest.DefaultGenerator;

    /// <summary>Tokens per passage (capped at a third of the model's context so history still fits).</summary>
    public int PassageTokens { get; set; } = 48;

    /// <summary>Longest command accepted, in characters, after normalisation.</summary>
    public int MaxCommandChars { get; set; } = 500;

    /// <summary>Longest memory and author's note, in characters.</summary>
    public int MaxMemoryChars { get; set; } = 1000;

    /// <summary>How passages are sampled (a fresh seed is drawn for each and recorded with the turn).</summary>
    public StorySampler Sampler { get; set; } = new() { Temperature = 0.8f, TopK = 40, TopP = 0.95f, RepetitionPenalty = 1.15f, RepetitionPenaltyRange = 64 };

    /// <summary>A passage at least this similar (0..1) to the previous one is written again with a stronger penalty.</summary>
    public double LoopGuardSimilarity { get; set; } = 0.7;

    /// <summary>Added to the repetition penalty for each rewrite by the loop guard.</summary>
    public float LoopGuardPenaltyStep { get; set; } = 0.35f;

    public int LoopGuardMaxRewrites { get; set; } = 2;

    /// <summary>World events kept in each player's context.</summary>
    public int RecentWorldEvents { get; set; } = 3;

    /// <summary>
    /// Least time between two streamed pieces of a passage to one player (the first piece goes at once). Zero: a message
    /// per token.
    /// </summary>
    public TimeSpan StreamInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a passage may wait and run before it is given up (the turn then shows the error; retry writes it again).</summary>
    public TimeSpan PassageDeadline { get; set; } = TimeSpan.FromMinutes(2);
}
