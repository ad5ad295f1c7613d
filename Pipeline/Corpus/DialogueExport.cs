namespace TextGameGen.Pipeline.Corpus;

/// <summary>Reads a game-editor dialogue export: tab-separated with a header row naming a <c>content</c> column.</summary>
public static class DialogueExport
{
    public static IEnumerable<string> Contents(string tsv)
    {
        var rows = tsv.Replace("\r\n", "\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (rows.Length == 0) yield break;
        int column = Array.FindIndex(rows[0].Split('\t'), h => h.Trim().Equals("content", StringComparison.OrdinalIgnoreCase));
        if (column < 0) throw new InvalidDataException("The dialogue export has no 'content' column in its header row.");
        foreach (var row in rows.Skip(1))
        {
            var cells = row.Split('\t');
            if (column < cells.Length && cells[column].Trim() is { Length: > 0 } content) yield return content;
        }
    }
}
