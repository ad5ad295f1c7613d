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
    /// How long a room's lines are gathered on this front end before they go out together, one message shared by the
    /// room's players here (milliseconds; 0 sends each batch the room sends at once). A line after a quiet spell goes
    /// out at once; in a busy room each player gets at most one room message per window instead of one per action.
    /// </summary>
    [Range(0, 2_000)]
    public int RoomLineWindowMs { get; set; } = 100;

    public bool IsEmbedded => Mode == HostingMode.Embedded;
}
