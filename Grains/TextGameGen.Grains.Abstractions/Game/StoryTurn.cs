using TextGameGen.Contracts.Sampling;

namespace TextGameGen.Grains.Game;

/// <summary>Where a turn's passage stands.</summary>
[GenerateSerializer, Alias("TextGameGen.PassageStatus")]
public enum PassageStatus
{
    /// <summary>The turn needs no passage (look, go, inventory...), or its passage is final.</summary>
    Complete,
    /// <summary>Acknowledged and waiting for the model.</summary>
    Pending,
    /// <summary>Being written now.</summary>
    Generating,
    /// <summary>The model failed or was busy; <see cref="StoryTurn.Error"/> says why. <c>retry</c> tries again.</summary>
    Failed,
    /// <summary>Stopped by <c>undo</c> while being written.</summary>
    Cancelled,
}

/// <summary>
/// One turn of a player's story: what the player did and the passage the model wrote for it, with everything needed
/// to reproduce or judge it (model version, sampler settings, seed).
/// </summary>
[GenerateSerializer, Alias("TextGameGen.StoryTurn")]
public sealed class StoryTurn
{
    /// <summary>The client's turn id (idempotency key), or a server-made one for world events.</summary>
    [Id(0)] public string Id { get; set; } = "";
    /// <summary>Position in the player's story, from 1.</summary>
    [Id(1)] public int Seq { get; set; }
    [Id(2)] public TurnKind Kind { get; set; }
    /// <summary>What the player typed (after normalisation), or the GM's event text.</summary>
    [Id(3)] public string PlayerText { get; set; } = "";
    /// <summary>The tagged line this turn contributes to the model's context before the passage (may be empty).</summary>
    [Id(4)] public string PromptLine { get; set; } = "";
    /// <summary>The story token the passage is written under: &lt;|action|&gt;, &lt;|dialogue|&gt; or &lt;|quest|&gt; (empty: no passage).</summary>
    [Id(5)] public string PassageTag { get; set; } = "";
    /// <summary>The generated passage, or the game's own answer for verbs that need no model.</summary>
    [Id(6)] public string Text { get; set; } = "";
    [Id(7)] public PassageStatus Status { get; set; }
    [Id(8)] public string? ModelVersion { get; set; }
    [Id(9)] public SamplerSettings? Sampler { get; set; }
    [Id(10)] public int? Seed { get; set; }
    [Id(11)] public DateTimeOffset At { get; set; }
    /// <summary>How many times the loop guard had the passage rewritten because it nearly repeated the previous one.</summary>
    [Id(12)] public int Regenerations { get; set; }
    [Id(13)] public string? Error { get; set; }
    /// <summary>For retry and undo: the turn they act on.</summary>
    [Id(14)] public string? TargetTurnId { get; set; }
    /// <summary>Replaced by a later retry, or taken back by undo: kept for the record, left out of the story and context.</summary>
    [Id(15)] public bool Hidden { get; set; }
    /// <summary>The player's rating: +1, -1 or 0 (none).</summary>
    [Id(16)] public int Rating { get; set; }
    /// <summary>Tokens the model wrote for the final passage.</summary>
    [Id(17)] public int TokenCount { get; set; }
    /// <summary>The registry's sampler preset the settings came from (null: the game's configured settings).</summary>
    [Id(18)] public string? SamplerPreset { get; set; }
    /// <summary>The generator (model name) that wrote the passage; <see cref="ModelVersion"/> is its version.</summary>
    [Id(19)] public string? Generator { get; set; }

    public bool HasPassage => PassageTag.Length > 0;

    public StoryTurn Clone() => (StoryTurn)MemberwiseClone();
}
