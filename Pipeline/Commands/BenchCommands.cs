using System.CommandLine;
using System.Text.Json;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Runtime;
using TextGameGen.Pipeline.Benchmarks;

namespace TextGameGen.Pipeline.Commands;

/// <summary><c>tgg bench ...</c>: benchmarks that print Markdown tables and write JSON.</summary>
internal static class BenchCommands
{
    public static Command Create() => new("bench", "Benchmarks (ratios measured side by side in one run)")
    {
        BenchDecodeCommand.Create(), BenchMatMulCommand.Create(), BenchGenerateCommand.Create(), BenchTrainCommand.Create(),
    };

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
