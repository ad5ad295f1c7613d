using Spectre.Console;

namespace TextGameGen.Pipeline.Output;

/// <summary>
/// The one writer of every table tgg prints: a Markdown table when output is redirected (what goes into docs and
/// what tests read), a Spectre.Console table on a terminal. Numeric columns are right-aligned.
/// </summary>
public sealed class TableWriter
{
    private readonly (string Header, bool Numeric)[] _columns;
    private readonly List<string[]> _rows = [];

    private TableWriter((string, bool)[] columns) => _columns = columns;

    /// <summary>A table with these columns; a header starting with '#' is numeric (right-aligned), the '#' is not shown.</summary>
    public static TableWriter With(params string[] headers) =>
        new([.. headers.Select(h => h.StartsWith('#') ? (h[1..], true) : (h, false))]);

    public TableWriter Row(params object?[] cells)
    {
        if (cells.Length != _columns.Length) throw new ArgumentException($"A row of {cells.Length} cells for {_columns.Length} columns.");
        _rows.Add([.. cells.Select(c => Convert.ToString(c, System.Globalization.CultureInfo.InvariantCulture) ?? "")]);
        return this;
    }

    public void Write()
    {
        if (Console.IsOutputRedirected)
        {
            Console.WriteLine("| " + string.Join(" | ", _columns.Select(c => c.Header)) + " |");
            Console.WriteLine("| " + string.Join(" | ", _columns.Select(c => c.Numeric ? "---:" : "---")) + " |");
            foreach (var row in _rows) Console.WriteLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|"))) + " |");
            return;
        }
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var (header, numeric) in _columns)
        {
            var column = new TableColumn(Markup.Escape(header));
            table.AddColumn(numeric ? column.RightAligned() : column);
        }
        foreach (var row in _rows) table.AddRow([.. row.Select(Markup.Escape)]);
        AnsiConsole.Write(table);
    }
}
