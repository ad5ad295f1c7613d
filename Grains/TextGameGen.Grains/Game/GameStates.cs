namespace TextGameGen.Grains.Game;

/// <summary>What a player grain stores.</summary>
[GenerateSerializer, Alias("TextGameGen.PlayerState")]
public sealed class PlayerState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public string WorldId { get; set; } = "";
    [Id(2)] public string RoomId { get; set; } = "";
    [Id(3)] public List<string> Inventory { get; set; } = [];
    [Id(4)] public List<string> Quests { get; set; } = [];
    [Id(5)] public string Memory { get; set; } = "";
    [Id(6)] public string AuthorsNote { get; set; } = "";
    /// <summary>The recent turns (at most about <see cref="GameOptions.RecentTurns"/>); older ones are in the <see cref="ITurnLog"/>.</summary>
    [Id(7)] public List<StoryTurn> Turns { get; set; } = [];
    [Id(8)] public List<WorldEvent> RecentEvents { get; set; } = [];
    [Id(9)] public bool Removed { get; set; }
    [Id(10)] public string RemovedReason { get; set; } = "";
    /// <summary>The last world event this player has (events raised while away are caught up on joining).</summary>
    [Id(11)] public long LastWorldEventSeq { get; set; }
}

/// <summary>What a world grain stores.</summary>
[GenerateSerializer, Alias("TextGameGen.WorldState")]
public sealed class WorldState
{
    /// <summary>The players online or seen within <see cref="GameOptions.RecentPlayers"/> (id: name); older ones are dropped.</summary>
    [Id(0)] public Dictionary<string, string> Players { get; set; } = [];
    [Id(1)] public List<string> Rooms { get; set; } = [];
    [Id(2)] public string StartRoom { get; set; } = "";
    [Id(3)] public List<WorldEvent> Events { get; set; } = [];
    [Id(4)] public long NextSeq { get; set; }
    [Id(5)] public bool Seeded { get; set; }
    /// <summary>The world's definition as last applied (from its file, a template, or a game master).</summary>
    [Id(6)] public WorldDefinition? Definition { get; set; }
    /// <summary>A game master created this world (it is not from a file or the template).</summary>
    [Id(7)] public bool CreatedByGm { get; set; }
    /// <summary>When each player who is not online now left (a player in <see cref="Players"/> but not here is online).</summary>
    [Id(8)] public Dictionary<string, DateTimeOffset> OfflineSince { get; set; } = [];
}

/// <summary>What the world index stores: the worlds game masters created (worlds with files are read from them).</summary>
[GenerateSerializer, Alias("TextGameGen.WorldIndexState")]
public sealed class WorldIndexState
{
    [Id(0)] public List<WorldSummary> Created { get; set; } = [];
}

/// <summary>What a room grain stores (who is present is not stored: it is who is connected).</summary>
[GenerateSerializer, Alias("TextGameGen.RoomState")]
public sealed class RoomState
{
    [Id(0)] public bool Defined { get; set; }
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public string Description { get; set; } = "";
    [Id(3)] public Dictionary<string, string> Exits { get; set; } = [];
    [Id(4)] public List<string> Items { get; set; } = [];
    [Id(5)] public List<string> Npcs { get; set; } = [];
    [Id(6)] public string? DescriptionModelVersion { get; set; }
}
