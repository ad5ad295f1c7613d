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
    public static Command Create() => new("bench", "Benchmarks (ratios measured side by side in one run)") { DecodeCommand(), MatMulCommand(), BenchGenerateCommand.Create(), TrainCommand() };

    private static Command MatMulCommand()
    {
        var shape = new Option<string>("--shape") { Description = "build this shape in-process with seeded random weights", DefaultValueFactory = _ => "small-124M" };
        var rows = new Option<string>("--rows") { DefaultValueFactory = _ => "1,8,16,32,64,128", Description = "comma-separated row counts (a decode step multiplies one row per sequence)" };
        var reps = new Option<int>("--reps") { DefaultValueFactory = _ => 5, Description = "repetitions (medians are reported); each reads the peak and the memory bandwidth again" };
        var runs = new Option<int>("--runs") { DefaultValueFactory = _ => 3, Description = "timed runs per row count and repetition (their median is that repetition's time)" };
        var json = new Option<string?>("--json") { Description = "write the results as JSON here" };
        var command = new Command("matmul", "The decoder's matrix multiplies alone at several row counts, against both roofs: the measured matrix-multiply peak and the measured memory bandwidth (CPU)")
        {
            shape, rows, reps, runs, json,
        };
        command.SetAction(parse => CommandErrors.Guard(() =>
        {
            var config = Gpt2Config.FromShapeName(parse.GetValue(shape)!);
            var rowCounts = ParseList(parse.GetValue(rows)!);
            int repetitions = parse.GetValue(reps), runsPerRep = parse.GetValue(runs);
            if (repetitions < 1 || runsPerRep < 1) throw new ArgumentException("--reps and --runs must be at least 1.");
            Console.Error.WriteLine($"building the matrix multiplies of {parse.GetValue(shape)} ({config.MatMulParameterCount:N0} parameters)...");
            using var chain = new MatMulChainBenchmark(Gpt2Weights.CreateRandom(config, seed: 1), SessionSettings.Default);
            GC.Collect();
            using var peak = MatMulPeak.Open(ExecutionDevice.Cpu, half: false);
            var bandwidths = new List<double>();
            var samples = rowCounts.ToDictionary(r => r, _ => new List<double>());
            for (int rep = 0; rep < repetitions; rep++)
            {
                double p = peak.Measure();
                bandwidths.Add(MemoryBandwidth.MeasureReadBytesPerSecond());
                Console.Error.WriteLine($"rep {rep + 1}/{repetitions}: peak {p / 1e9:F1} GFLOP/s, read bandwidth {bandwidths[^1] / 1e9:F1} GB/s");
                foreach (int r in rowCounts) samples[r].Add(chain.TimeRun(r, runsPerRep));
            }
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
            Console.WriteLine("| rows | ms/run | GFLOP/s | weights GB/s | % of compute roof | roofline bound GFLOP/s | % of roofline bound |");
            Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var r in results)
                Console.WriteLine($"| {r.Rows} | {r.MillisecondsPerRun:F2} | {r.FlopsPerSecond / 1e9:F1} | {r.WeightBytesPerSecond / 1e9:F1} | {100 * r.FlopsPerSecond / peakFlops:F0}% | {r.AttainableFlopsPerSecond / 1e9:F1} | {100 * r.FlopsPerSecond / r.AttainableFlopsPerSecond:F0}% |");
            Console.WriteLine();
            Console.WriteLine("roofline bound: min(compute roof, rows / 2 FLOP per weight byte x memory roof)");
            if (parse.GetValue(json) is { } path)
                File.WriteAllText(path, JsonSerializer.Serialize(new { machine = MachineInfo.Current("cpu"), model = parse.GetValue(shape), peakFlops, peakReadings = peak.Readings, bandwidth, bandwidths, results },
                    new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }));
        return command;
    }

    private static Command TrainCommand()
    {
        var shape = new Option<string>("--shape") { DefaultValueFactory = _ => "small-124M", Description = "tiny, small-124M, medium-355M or LxHxW (e.g. 6x6x384)" };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 4 };
        var seq = new Option<int>("--seq") { DefaultValueFactory = _ => 64 };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 8, Description = "timed steps (the median is reported)" };
        var warmup = new Option<int>("--warmup") { DefaultValueFactory = _ => 2, Description = "untimed steps first" };
        var llmc = new Option<string?>("--llmc-files") { Description = "also write llm.c's model and token files at this shape into this folder, to time its train_gpt2 side by side" };
        var json = new Option<string?>("--json") { Description = "write the result as JSON here" };
        var command = new Command("train", "Time our trainer's steps (forward, backward, AdamW) at a shape, batch and sequence length") { shape, batch, seq, steps, warmup, llmc, json };
        command.SetAction(parse => CommandErrors.Guard(() =>
        {
            var shapeName = parse.GetValue(shape)!;
            if (parse.GetValue(llmc) is { } dir)
            {
                LlmcFiles.Write(dir, Gpt2Config.FromShapeName(shapeName), seed: 1);
                Console.WriteLine($"wrote llm.c's gpt2_124M.bin and token files for {shapeName} to {dir}");
            }
            var result = TrainStepBenchmark.Run(shapeName, parse.GetValue(batch), parse.GetValue(seq), parse.GetValue(steps), parse.GetValue(warmup), seed: 1, Console.Error.WriteLine);
            Console.WriteLine($"| shape | parameters | batch x seq | threads | median step | mean step | tokens/s | GFLOP/s |");
            Console.WriteLine($"| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
            Console.WriteLine($"| {result.Shape} | {result.Parameters:N0} | {result.Batch} x {result.Sequence} | {result.Threads} | {result.MedianStepSeconds:F3} s | {result.MeanStepSeconds:F3} s | {result.TokensPerSecond:F1} | {result.GflopsPerSecond:F1} |");
            if (parse.GetValue(json) is { } file) File.WriteAllText(file, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }));
        return command;
    }

    private static Command DecodeCommand()
    {
        var shape = new Option<string>("--shape") { Description = "build this shape in-process with seeded random weights", DefaultValueFactory = _ => "small-124M" };
        var batches = new Option<string>("--batches") { DefaultValueFactory = _ => "1,8,32", Description = "comma-separated batch sizes" };
        var past = new Option<int>("--past") { DefaultValueFactory = _ => 64, Description = "cached tokens per row before the timed steps" };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 16, Description = "timed decode steps per measurement" };
        var reps = new Option<int>("--reps") { DefaultValueFactory = _ => 3, Description = "repetitions (medians are reported)" };
        var style = new Option<string>("--style") { DefaultValueFactory = _ => "both", Description = "fused, plain or both (side by side)" };
        var slots = new Option<bool>("--slots") { DefaultValueFactory = _ => true, Description = "also measure the slot-cache graph (GroupQueryAttention, shared past/present buffers); fp32 on CPU only, on by default there (--slots false leaves it out)" };
        var fp16 = ModelOptions.Fp16();
        var device = ModelOptions.Device();
        var hostCache = ModelOptions.HostCache();
        var json = new Option<string?>("--json") { Description = "write the results as JSON here" };
        var profile = new Option<string?>("--profile") { Description = "write ONNX Runtime per-operator profiles (Chrome trace JSON) with this file-name prefix; slows the run" };
        var command = new Command("decode", "Decode tokens/s at several batch sizes, and the roofline ratio against the measured matrix-multiply peak")
        {
            shape, batches, past, steps, reps, style, slots, fp16, device, hostCache, json, profile,
        };
        command.SetAction(parse => CommandErrors.Guard(() =>
        {
            var config = Gpt2Config.FromShapeName(parse.GetValue(shape)!);
            var batchSizes = ParseList(parse.GetValue(batches)!);
            var settings = ModelOptions.Session(parse.GetValue(device)!, parse.GetValue(hostCache)) with { ProfilePrefix = parse.GetValue(profile) };
            bool half = parse.GetValue(fp16);
            var styles = parse.GetValue(style) == "both" ? new[] { GraphStyle.Fused, GraphStyle.Plain } : [ModelOptions.ParseStyle(parse.GetValue(style)!)];
            Console.Error.WriteLine($"building {parse.GetValue(shape)} ({config.ParameterCount:N0} parameters)...");
            var weights = Gpt2Weights.CreateRandom(config, seed: 1);
            var variants = new List<(string, Gpt2Session)>();
            string activeDevice = "cpu";
            foreach (var s in styles)
            {
                var session = Gpt2Session.Open(Gpt2OnnxWriter.ToBytes(weights, new OnnxExportOptions { Style = s, Float16 = half }), settings, m => Console.Error.WriteLine(m));
                activeDevice = session.ActiveDevice.ToString().ToLowerInvariant();
                variants.Add(($"{s.ToString().ToLowerInvariant()}{(half ? "-fp16" : "")}", session));
            }
            SlotKvSession? slotSession = null;
            if (parse.GetValue(slots) && activeDevice == "cpu" && !half)
            {
                int capacity = batchSizes.Max(), maxLength = parse.GetValue(past) + parse.GetValue(steps) + 1;
                slotSession = SlotKvSession.Open(Gpt2OnnxWriter.ToBytes(weights, new OnnxExportOptions { SlotCache = true }), capacity, maxLength, settings);
            }
            weights = null;
            GC.Collect();

            var machine = MachineInfo.Current(activeDevice);
            Console.Error.WriteLine("opening the matrix-multiply peak measurement...");
            using var peak = MatMulPeak.Open(settings.Device == ExecutionDevice.Cuda && activeDevice == "cuda" ? ExecutionDevice.Cuda : ExecutionDevice.Cpu, half);
            var bench = new DecodeBenchmark(parse.GetValue(past), parse.GetValue(steps), parse.GetValue(reps), config.MatMulParameterCount);
            var timed = variants.Select(v => (v.Item1, (Func<int, int, double>)((b, seed) => bench.TimeSession(v.Item2, b, seed)))).ToList();
            if (slotSession is not null) timed.Add(("fused-slots", (b, seed) => bench.TimeSlotSteps(slotSession, b, seed)));
            var results = bench.Run(timed, batchSizes, m => Console.Error.WriteLine(m), () => peak.Measure());
            foreach (var (_, session) in variants) session.Dispose();
            slotSession?.Dispose();

            var peaks = peak.Readings;
            double highest = peaks.Max();
            Console.WriteLine($"machine: {machine}");
            Console.WriteLine($"model: {parse.GetValue(shape)}, past {parse.GetValue(past)} tokens, {parse.GetValue(steps)} steps x {parse.GetValue(reps)} reps (medians)");
            Console.WriteLine($"matrix-multiply peak (ONNX Runtime MatMul, same threads), read before each repetition: median {Stats.Median(peaks) / 1e9:F1} GFLOP/s, " +
                $"lowest {peaks.Min() / 1e9:F1}, highest {highest / 1e9:F1} ({string.Join(", ", peaks.Select(p => (p / 1e9).ToString("F0")))})");
            Console.WriteLine();
            Console.WriteLine("| graph | batch | tokens/s | ms/step | GFLOP/s | % of peak | % of highest peak |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var r in results.OrderBy(r => r.Variant).ThenBy(r => r.Batch))
                Console.WriteLine($"| {r.Variant} | {r.Batch} | {r.TokensPerSecond:F1} | {r.MillisecondsPerStep:F1} | {r.FlopsPerSecond / 1e9:F1} | {100 * r.PeakFraction:F0}% | {100 * r.FlopsPerSecond / highest:F0}% |");
            Console.WriteLine();
            Console.WriteLine("% of peak: median over repetitions of that repetition's FLOP/s over the peak read just before it.");
            Console.WriteLine("% of highest peak: median FLOP/s over the highest peak reading of the run (the strictest view).");
            foreach (var group in results.GroupBy(r => r.Variant))
            {
                var first = group.MinBy(r => r.Batch)!;
                var last = group.MaxBy(r => r.Batch)!;
                Console.WriteLine($"{group.Key}: batch {last.Batch} / batch {first.Batch} tokens/s = {last.TokensPerSecond / first.TokensPerSecond:F1}x; " +
                    $"batch {last.Batch} at {100 * last.PeakFraction:F0}% of peak ({100 * last.FlopsPerSecond / highest:F0}% of the highest reading)");
            }
            var names = results.Select(r => r.Variant).Distinct().OrderBy(n => n).ToArray();
            foreach (int b in batchSizes)
                for (int i = 1; i < names.Length; i++)
                {
                    var first = results.Single(r => r.Batch == b && r.Variant == names[0]);
                    var other = results.Single(r => r.Batch == b && r.Variant == names[i]);
                    Console.WriteLine($"batch {b}: {first.Variant} / {other.Variant} tokens/s = {first.TokensPerSecond / other.TokensPerSecond:F2}x");
                }
            if (parse.GetValue(json) is { } path)
            {
                var report = new { machine, model = parse.GetValue(shape), past = parse.GetValue(past), steps = parse.GetValue(steps), peakFlops = Stats.Median(peaks), peakReadings = peaks, results };
                File.WriteAllText(path, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
            }
            return 0;
        }));
        return command;
    }

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
