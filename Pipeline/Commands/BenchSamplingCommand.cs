using System.CommandLine;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Scheduling;
using TextGameGen.Pipeline.Benchmarks;
using TextGameGen.Pipeline.Output;

namespace TextGameGen.Pipeline.Commands;

/// <summary><c>tgg bench sampling</c>: ways of sampling a decode step's rows, side by side in one run.</summary>
internal static class BenchSamplingCommand
{
    public static Command Create()
    {
        var shape = ModelOptions.BenchShape();
        var rows = new Option<int>("--rows") { DefaultValueFactory = _ => 32, Description = "rows decoded and sampled each step" };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 300, Description = "decode steps in all (each step's way of sampling is drawn at random)" };
        var helpers = BenchCommands.ListOption("--helpers", "1", "comma-separated helper-thread counts to compare beside the loop thread alone and Parallel.For");
        var command = new Command("sampling", "Sampling a decode step's rows: on the loop thread alone, with helper threads, or with Parallel.For; each charged its own time and the next decode step's")
        {
            shape, rows, steps, helpers,
        };
        command.SetAction(parse => CommandErrors.Guard(() =>
        {
            var config = Gpt2Config.FromShapeName(parse.GetValue(shape)!);
            int rowCount = parse.GetValue(rows), stepCount = parse.GetValue(steps);
            if (rowCount < 1 || stepCount < 1) throw new ArgumentException("--rows and --steps must be at least 1.");
            var helperCounts = BenchCommands.ParseList(parse.GetValue(helpers)!);
            Console.Error.WriteLine($"building {parse.GetValue(shape)} ({config.ParameterCount:N0} parameters)...");
            using var bench = new SamplingBenchmark(config, rowCount);
            var runners = helperCounts.Select(n => (n, new StepRows(n))).ToList();
            try
            {
                var ways = new List<(string, Action<int, Action<int>>)>();
                using var alone = new StepRows(0);
                ways.Add(("loop thread alone", alone.For));
                foreach (var (n, runner) in runners) ways.Add(($"loop thread + {n} helper{(n == 1 ? "" : "s")}", runner.For));
                ways.Add(("Parallel.For", (count, body) => Parallel.For(0, count, body)));
                var results = LongTask.Run("bench sampling", _ => bench.Run(ways, stepCount));
                Console.WriteLine($"machine: {MachineInfo.Current("cpu")}");
                Console.WriteLine($"model: {parse.GetValue(shape)}, slot layout, {rowCount} rows, {stepCount} steps, the game's sampler (top-k 40, top-p 0.95, repetition penalty)");
                Console.WriteLine();
                var baseline = results[0].StepMs;
                var table = TableWriter.With("way", "#steps", "#sampling ms", "#next decode ms", "#both ms", "#vs loop thread alone");
                foreach (var r in results)
                    table.Row(r.Way, r.Steps, r.SamplingMs.ToString("F2"), r.NextDecodeMs.ToString("F2"), r.StepMs.ToString("F2"), $"{r.StepMs / baseline:F3}x");
                table.Write();
            }
            finally
            {
                foreach (var (_, runner) in runners) runner.Dispose();
            }
            return 0;
        }));
        return command;
    }
}
