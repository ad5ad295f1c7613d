using System.ComponentModel.DataAnnotations;

namespace TextGameGen.WebFront.Hosting;

/// <summary>Where the front end's silo is.</summary>
public enum HostingMode
{
    /// <summary>A silo in this process (the default: nothing else to run).</summary>
    Embedded,

    /// <summary>An Orleans client of silos started separately.</summary>
    Client,
}

/// <summary>
/// Configuration section <c>TextGameGen:Hosting</c>: whether the front end hosts its silo or is a client of a cluster
/// (ports and membership: <c>TextGameGen:Cluster</c>), and who is a GM. Validated at start.
/// </summary>
public sealed class HostingOptions
{
    public const string Section = "TextGameGen:Hosting";

    /// <summary>Embedded or Client; any other value stops the start.</summary>
    public HostingMode Mode { get; set; } = HostingMode.Embedded;

    /// <summary>The game-master key. Empty: a random key is made at start and written to the log.</summary>
    public string GmKey { get; set; } = "";

    /// <summary>Folder of the browser page (default: wwwroot beside the program).</summary>
    public string? WebRoot { get; set; }

    /// <summary>Sign-ins a client address may make per minute; past it the answer is 429.</summary>
    [Range(1, 1_000_000)]
    public int SignInsPerMinute { get; set; } = 20;

    /// <summary>
    /// Messages a browser connection may have waiting; a browser that lets more pile up (it stopped reading) is
    /// disconnected and told why when it joins again.
    /// </summary>
    [Range(8, 100_000)]
    public int ClientQueueLimit { get; set; } = 512;

    /// <summary>
    /// The shortest time a room's lines are gathered on this front end before they go out together, one message shared
    /// by the room's players here (milliseconds; 0 with <see cref="RoomLineMsPerPlayer"/> 0 sends each batch the room
    /// sends at once). A line after a quiet spell goes out at once; in a busy room each player gets at most one room
    /// message per window instead of one per action.
    /// </summary>
    [Range(0, 2_000)]
    public int RoomLineWindowMs { get; set; } = 100;

    /// <summary>
    /// How much longer the window is for each player of the room on this front end (milliseconds), so a crowded room
    /// sends at most 1,000 / this many messages a second from this front end whatever its size (2: 500 a second; a room
    /// of 250 gathers for 500 ms, a room of 20 for <see cref="RoomLineWindowMs"/>). Each of a room's sends is one burst
    /// of work per player present, and those bursts are what the acknowledgements of everyone else wait behind.
    /// </summary>
    [Range(0.0, 100.0)]
    public double RoomLineMsPerPlayer { get; set; } = 2;

    /// <summary>The longest the window grows to, however crowded the room (milliseconds).</summary>
    [Range(0, 10_000)]
    public int RoomLineWindowMaxMs { get; set; } = 1_000;

    /// <summary>How long a room with <paramref name="players"/> players on this front end gathers its lines (milliseconds).</summary>
    public double RoomLineWindowFor(int players) =>
        Math.Min(Math.Max(RoomLineWindowMs, players * RoomLineMsPerPlayer), Math.Max(RoomLineWindowMaxMs, RoomLineWindowMs));

    public bool IsEmbedded => Mode == HostingMode.Embedded;
}
