using System.CommandLine;

namespace TextGameGen.Pipeline.Commands;

/// <summary><c>tgg bench ...</c>: benchmarks that print Markdown tables and write JSON.</summary>
internal static class BenchCommands
{
    public static Command Create() => new("bench", "Benchmarks (ratios measured side by side in one run)")
    {
        BenchDecodeCommand.Create(), BenchMatMulCommand.Create(), BenchGenerateCommand.Create(), BenchSamplingCommand.Create(), BenchTrainCommand.Create(),
    };

    /// <summary>A comma-separated list of positive numbers (batch sizes, row counts).</summary>
    internal static Option<string> ListOption(string name, string defaults, string description) =>
        new(name) { DefaultValueFactory = _ => defaults, Description = description };

    /// <summary>How many times a benchmark repeats its measurements (medians are reported).</summary>
    internal static Option<int> RepsOption(int defaults, string what = "") =>
        new("--reps") { DefaultValueFactory = _ => defaults, Description = "repetitions (medians are reported)" + what };

    internal static int[] ParseList(string value)
    {
        try
        {
            var list = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
            if (list.Length == 0 || list.Any(n => n < 1)) throw new FormatException();
            return list;
        }
        catch (FormatException)
        {
            throw new ArgumentException($"'{value}' is not a comma-separated list of positive numbers.");
        }
    }
}
