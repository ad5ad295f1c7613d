namespace TextGameGen.Storage;

/// <summary>When a commit to the SQLite file returns, and so what an acknowledged turn survives.</summary>
public enum SqliteSynchronous
{
    /// <summary>Once the write-ahead log is flushed to disk: an acknowledged turn survives a power cut (this class's default; the game server's is <see cref="Normal"/>).</summary>
    Full,

    /// <summary>
    /// Once the operating system has the log: an acknowledged turn survives a crash of the process; a power cut can lose
    /// what was committed since the last background checkpoint flushed the log (every 50 ms when there are writes). The
    /// game server's default (<c>TextGameGen:Storage:Synchronous</c>; docs/adr/0003-when-a-turn-is-acknowledged.md).
    /// </summary>
    Normal,
}
