using System.ComponentModel.DataAnnotations;

namespace TextGameGen.Silo.Hosting;

/// <summary>Configuration section <c>TextGameGen:Storage</c>: where the game keeps its state and players' ratings.</summary>
public sealed class StorageOptions
{
    public const string Section = "TextGameGen:Storage";

    /// <summary>The SQLite file (relative paths are under the working directory).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "TextGameGen:Storage:Database names the SQLite file of the game's state.")]
    public string Database { get; set; } = "data/textgamegen.db";

    /// <summary>
    /// When a commit to the SQLite file returns: <c>Normal</c> (default) once the operating system has it (a crash of the
    /// server loses nothing, a power cut can lose the last moments: the log is flushed beside the writes every 50 ms),
    /// which keeps the disk's flushes off the acknowledgement's path; <c>Full</c> flushes the log to disk first, so an
    /// acknowledged turn survives a power cut too. Why: docs/adr/0003-when-a-turn-is-acknowledged.md.
    /// </summary>
    public TextGameGen.Storage.SqliteSynchronous Synchronous { get; set; } = TextGameGen.Storage.SqliteSynchronous.Normal;
}
