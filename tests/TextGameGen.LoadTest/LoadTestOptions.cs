namespace TextGameGen.LoadTest;

/// <summary>One load run: how many players, how many actions each, how long they pause between actions.</summary>
public sealed record LoadTestOptions
{
    public int Clients { get; init; } = 50;
    public int ActionsPerClient { get; init; } = 5;
    /// <summary>Pause after a passage arrives before the next action (each client adds up to half again at random).</summary>
    public TimeSpan Think { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How long one passage may take before it counts as lost.</summary>
    public TimeSpan PassageTimeout { get; init; } = TimeSpan.FromMinutes(3);
    /// <summary>Clients join over this long rather than all at once.</summary>
    public TimeSpan RampUp { get; init; } = TimeSpan.FromSeconds(2);
    public int Seed { get; init; } = 1;
}
