namespace TextGameGen.WebFront.Hosting;

/// <summary>Configuration section <c>TextGameGen:Hosting</c>: how the front end finds (or hosts) its silo, and who is a GM.</summary>
public sealed class HostingOptions
{
    public const string Section = "TextGameGen:Hosting";

    /// <summary>embedded: a silo in this process (the default, nothing else to run); client: connect to silos started separately.</summary>
    public string Mode { get; set; } = "embedded";

    /// <summary>Silo-to-silo port of the embedded silo.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Gateway port: the embedded silo listens on it; in client mode, the silo's gateway to connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The game-master key. Empty: a random key is made at start and written to the log.</summary>
    public string GmKey { get; set; } = "";

    /// <summary>Folder of the browser page (default: wwwroot beside the program).</summary>
    public string? WebRoot { get; set; }

    public bool IsEmbedded => !string.Equals(Mode, "client", StringComparison.OrdinalIgnoreCase);
}
