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
    /// <summary>Actions each client sends first, all together, that are not counted (the server's code gets compiled and warm).</summary>
    public int WarmupActions { get; init; }
    /// <summary>
    /// Before measuring, each client walks to one of the rooms next to the start (north, east, south, or stays), so
    /// the players are spread over four rooms instead of all crowding one (where every action goes to everyone).
    /// </summary>
    public bool SpreadOverRooms { get; init; }
    /// <summary>Called when the counted part of the run starts (after joining and warm-up).</summary>
    public Func<Task>? OnMeasuring { get; init; }
    /// <summary>The world the players join (null: the server's default world).</summary>
    public string? World { get; init; }
    /// <summary>When, after measuring starts, <see cref="Fault"/> runs (e.g. a silo killed).</summary>
    public TimeSpan FaultAt { get; init; }
    /// <summary>Something done to the server while the players act; the report gives the errors around it and the time to recover.</summary>
    public Func<CancellationToken, Task>? Fault { get; init; }
    /// <summary>A soak: players keep acting until this long after measuring starts (<see cref="ActionsPerClient"/> is then ignored).</summary>
    public TimeSpan? Duration { get; init; }
    /// <summary>The soak's series: made once the players exist (the argument counts connected players), cut every <see cref="SeriesInterval"/>.</summary>
    public Func<Func<int>, SoakSeries>? CreateSeries { get; init; }
    public TimeSpan SeriesInterval { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>The commands clients pick from at random (default: a mix of story actions and game verbs).</summary>
    public IReadOnlyList<string>? Commands { get; init; }
}
