using System.CommandLine;
using System.Text.Json;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Runtime;
using TextGameGen.Pipeline.Benchmarks;
using TextGameGen.Pipeline.Output;

namespace TextGameGen.Pipeline.Commands;

/// <summary><c>tgg bench matmul</c>: the decoder's matrix multiplies alone under both roofs.</summary>
internal static class BenchMatMulCommand
{
    public static Command Create()
    {
        var shape = ModelOptions.BenchShape();
        var rows = BenchCommands.ListOption("--rows", "1,8,16,32,64,128", "comma-separated row counts (a decode step multiplies one row per sequence)");
        var reps = BenchCommands.RepsOption(5, "; each reads the peak and the memory bandwidth again");
        var runs = new Option<int>("--runs") { DefaultValueFactory = _ => 3, Description = "timed runs per row count and repetition (their median is that repetition's time)" };
        var json = ModelOptions.Json();
        var command = new Command("matmul", "The decoder's matrix multiplies alone at several row counts, against both roofs: the measured matrix-multiply peak and the measured memory bandwidth (CPU)")
        {
            shape, rows, reps, runs, json,
        };
        command.SetAction(parse => CommandErrors.Guard(() =>
        {
            var config = Gpt2Config.FromShapeName(parse.GetValue(shape)!);
            var rowCounts = BenchCommands.ParseList(parse.GetValue(rows)!);
            int repetitions = parse.GetValue(reps), runsPerRep = parse.GetValue(runs);
            if (repetitions < 1 || runsPerRep < 1) throw new ArgumentException("--reps and --runs must be at least 1.");
            Console.Error.WriteLine($"building the matrix multiplies of {parse.GetValue(shape)} ({config.MatMulParameterCount:N0} parameters)...");
            using var chain = new MatMulChainBenchmark(Gpt2Weights.CreateRandom(config, seed: 1), SessionSettings.Default);
            GC.Collect();
            using var peak = MatMulPeak.Open(ExecutionDevice.Cpu, half: false);
            var bandwidths = new List<double>();
            var samples = rowCounts.ToDictionary(r => r, _ => new List<double>());
            LongTask.Run("bench matmul", sink =>
            {
                for (int rep = 0; rep < repetitions; rep++)
                {
                    double p = peak.Measure();
                    bandwidths.Add(MemoryBandwidth.MeasureReadBytesPerSecond());
                    sink.Line($"rep {rep + 1}/{repetitions}: peak {p / 1e9:F1} GFLOP/s, read bandwidth {bandwidths[^1] / 1e9:F1} GB/s");
                    foreach (int r in rowCounts) samples[r].Add(chain.TimeRun(r, runsPerRep));
                    sink.Report(rep + 1, repetitions);
                }
            });
            double peakFlops = Stats.Median(peak.Readings), bandwidth = Stats.Median(bandwidths);
            var results = rowCounts.Select(r =>
            {
                double seconds = Stats.Median(samples[r]);
                double flops = 2.0 * config.MatMulParameterCount * r / seconds;
                // Each fp32 weight (4 bytes) is used for 2 FLOPs per row: r / 2 FLOP per byte read.
                double attainable = Math.Min(peakFlops, r / 2.0 * bandwidth);
                return new MatMulChainResult(r, seconds * 1000, flops, chain.WeightBytes / seconds, attainable);
            }).ToList();

            Console.WriteLine($"machine: {MachineInfo.Current("cpu")}");
            Console.WriteLine($"matrix multiplies of {parse.GetValue(shape)}: {config.MatMulParameterCount:N0} weights ({chain.WeightBytes / 1e6:F0} MB fp32), {repetitions} reps x {runsPerRep} runs (medians)");
            Console.WriteLine($"compute roof (ONNX Runtime MatMul peak, read each repetition): median {peakFlops / 1e9:F1} GFLOP/s ({string.Join(", ", peak.Readings.Select(x => (x / 1e9).ToString("F0")))})");
            Console.WriteLine($"memory roof (streaming read, one thread per core): median {bandwidth / 1e9:F1} GB/s ({string.Join(", ", bandwidths.Select(x => (x / 1e9).ToString("F1")))})");
            Console.WriteLine();
            var table = TableWriter.With("#rows", "#ms/run", "#GFLOP/s", "#weights GB/s", "#% of compute roof", "#roofline bound GFLOP/s", "#% of roofline bound");
            foreach (var r in results)
                table.Row(r.Rows, r.MillisecondsPerRun.ToString("F2"), (r.FlopsPerSecond / 1e9).ToString("F1"), (r.WeightBytesPerSecond / 1e9).ToString("F1"),
                    $"{100 * r.FlopsPerSecond / peakFlops:F0}%", (r.AttainableFlopsPerSecond / 1e9).ToString("F1"), $"{100 * r.FlopsPerSecond / r.AttainableFlopsPerSecond:F0}%");
            table.Write();
            Console.WriteLine();
            Console.WriteLine("roofline bound: min(compute roof, rows / 2 FLOP per weight byte x memory roof)");
            if (parse.GetValue(json) is { } path)
                File.WriteAllText(path, JsonSerializer.Serialize(new { machine = MachineInfo.Current("cpu"), model = parse.GetValue(shape), peakFlops, peakReadings = peak.Readings, bandwidth, bandwidths, results },
                    new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }));
        return command;
    }
}
