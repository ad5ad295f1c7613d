using System.ComponentModel.DataAnnotations;

namespace TextGameGen.Silo.Hosting;

/// <summary>Configuration section <c>TextGameGen:Storage</c>: where the game keeps its state and players' ratings.</summary>
public sealed class StorageOptions
{
    public const string Section = "TextGameGen:Storage";

    /// <summary>The SQLite file (relative paths are under the working directory).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "TextGameGen:Storage:Database names the SQLite file of the game's state.")]
    public string Database { get; set; } = "data/textgamegen.db";
}
