using System.CommandLine;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Runtime;
using TextGameGen.Pipeline.Benchmarks;
using TextGameGen.Pipeline.Output;

namespace TextGameGen.Pipeline.Commands;

/// <summary><c>tgg bench decode</c>: decode tokens/s by batch size against the measured matrix-multiply peak.</summary>
internal static class BenchDecodeCommand
{
    public static Command Create()
    {
        var shape = ModelOptions.BenchShape();
        var batches = BenchCommands.ListOption("--batches", "1,8,32", "comma-separated batch sizes");
        var past = new Option<int>("--past") { DefaultValueFactory = _ => 64, Description = "cached tokens per row before the timed steps" };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 16, Description = "timed decode steps per measurement" };
        var reps = BenchCommands.RepsOption(3);
        var style = new Option<string>("--style") { DefaultValueFactory = _ => "both", Description = "fused, plain or both (side by side)" };
        var slots = new Option<bool>("--slots") { DefaultValueFactory = _ => true, Description = "also measure the slot-cache graph (GroupQueryAttention, shared past/present buffers); fp32 on CPU only, on by default there (--slots false leaves it out)" };
        var fp16 = ModelOptions.Fp16();
        var device = ModelOptions.Device();
        var hostCache = ModelOptions.HostCache();
        var json = ModelOptions.Json();
        var bits = new Option<string>("--weights")
        {
            Description = "also measure the slot graph with quantized weights in these formats (comma-separated: int8, int4-blocks, int8-blocks)",
            DefaultValueFactory = _ => "",
        };
        var profile = new Option<string?>("--profile") { Description = "write ONNX Runtime per-operator profiles (Chrome trace JSON) with this file-name prefix; slows the run" };
        var command = new Command("decode", "Decode tokens/s at several batch sizes, and the roofline ratio against the measured matrix-multiply peak")
        {
            shape, batches, past, steps, reps, style, slots, bits, fp16, device, hostCache, json, profile,
        };
        command.SetAction(parse => CommandErrors.Guard(() =>
        {
            var config = Gpt2Config.FromShapeName(parse.GetValue(shape)!);
            var batchSizes = BenchCommands.ParseList(parse.GetValue(batches)!);
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
            // Bytes each weight of a matrix multiply takes, by variant: what a batch-1 step must read.
            var bytesPerWeight = variants.ToDictionary(v => v.Item1, _ => BytesPerWeight(WeightFormat.Float, half));
            var slotSessions = new List<(string Name, SlotKvSession Session)>();
            bool onSlots = parse.GetValue(slots) && activeDevice == "cpu" && !half;
            if (!onSlots)
            {
                // No slot graph here (a GPU, or float16): the quantized formats run in the fused graph of Optimum's layout.
                foreach (var format in QuantizedFormats(parse.GetValue(bits)))
                {
                    string name = $"fused{(half ? "-fp16" : "")}-{format.Name()}";
                    try
                    {
                        variants.Add((name, Gpt2Session.Open(Gpt2OnnxWriter.ToBytes(weights, new OnnxExportOptions { Weights = format, Float16 = half }), settings, m => Console.Error.WriteLine(m))));
                        bytesPerWeight[name] = BytesPerWeight(format, half);
                    }
                    catch (Exception e) when (e is ArgumentException or OnnxRuntimeException)
                    {
                        Console.Error.WriteLine($"{name} left out: {e.Message}");
                    }
                }
            }
            if (onSlots)
            {
                int capacity = batchSizes.Max(), maxLength = parse.GetValue(past) + parse.GetValue(steps) + 1;
                foreach (var format in new[] { WeightFormat.Float }.Concat(QuantizedFormats(parse.GetValue(bits))))
                {
                    string name = $"fused-slots{(format == WeightFormat.Float ? "" : "-" + format.Name())}";
                    slotSessions.Add((name, SlotKvSession.Open(Gpt2OnnxWriter.ToBytes(weights, new OnnxExportOptions { SlotCache = true, Weights = format }), capacity, maxLength, settings)));
                    bytesPerWeight[name] = BytesPerWeight(format, half);
                }
            }
            weights = null;
            GC.Collect();

            var machine = MachineInfo.Current(activeDevice);
            Console.Error.WriteLine("opening the matrix-multiply peak measurement...");
            var measuredDevice = settings.Device == ExecutionDevice.Cuda && activeDevice == "cuda" ? ExecutionDevice.Cuda : ExecutionDevice.Cpu;
            using var peak = MatMulPeak.Open(measuredDevice, half);
            Console.Error.WriteLine("opening the weight read (one reduction over a tensor the size of the weights)...");
            using var read = new WeightRead((long)(config.MatMulParameterCount * BytesPerWeight(WeightFormat.Float, half)), half, measuredDevice);
            var bench = new DecodeBenchmark(parse.GetValue(past), parse.GetValue(steps), parse.GetValue(reps), config.MatMulParameterCount);
            var timed = variants.Select(v => (v.Item1, (Func<int, int, double>)((b, seed) => bench.TimeSession(v.Item2, b, seed)))).ToList();
            foreach (var (name, slotSession) in slotSessions) timed.Add((name, (b, seed) => bench.TimeSlotSteps(slotSession, b, seed)));
            var results = LongTask.Run("bench decode", sink =>
            {
                var counter = new StepCounter(sink, parse.GetValue(reps) * (timed.Count * batchSizes.Length + 1));
                return bench.Run(timed, batchSizes, counter.Advance, () =>
                {
                    read.Measure();
                    return peak.Measure();
                });
            });
            foreach (var (_, session) in variants) session.Dispose();
            foreach (var (_, slotSession) in slotSessions) slotSession.Dispose();

            var peaks = peak.Readings;
            double highest = peaks.Max();
            Console.WriteLine($"machine: {machine}");
            Console.WriteLine($"model: {parse.GetValue(shape)}, past {parse.GetValue(past)} tokens, {parse.GetValue(steps)} steps x {parse.GetValue(reps)} reps (medians)");
            Console.WriteLine($"matrix-multiply peak (ONNX Runtime MatMul, same threads), read before each repetition: median {Stats.Median(peaks) / 1e9:F1} GFLOP/s, " +
                $"lowest {peaks.Min() / 1e9:F1}, highest {highest / 1e9:F1} ({string.Join(", ", peaks.Select(p => (p / 1e9).ToString("F0")))})");
            Console.WriteLine();
            var table = TableWriter.With("graph", "#batch", "#tokens/s", "#ms/step", "#GFLOP/s", "#% of peak", "#% of highest peak");
            foreach (var r in results.OrderBy(r => r.Variant).ThenBy(r => r.Batch))
                table.Row(r.Variant, r.Batch, r.TokensPerSecond.ToString("F1"), r.MillisecondsPerStep.ToString("F1"), (r.FlopsPerSecond / 1e9).ToString("F1"),
                    $"{100 * r.PeakFraction:F0}%", $"{100 * r.FlopsPerSecond / highest:F0}%");
            table.Write();
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
            // A batch-1 step against the time to read that variant's weights once, at the speed measured above.
            double secondsPerByte = Stats.Median(read.Readings) / read.Bytes;
            Console.WriteLine($"reading the weights once ({read.Bytes / 1e6:F0} MB in {measuredDevice.ToString().ToLowerInvariant()} memory, the faster of a row-wise ReduceMax and a matrix-vector product): " +
                $"median {Stats.Median(read.Readings) * 1000:F3} ms = {1 / secondsPerByte / 1e9:F0} GB/s (ReduceMax / MatMul ms: {string.Join(", ", read.Forms.Select(f => $"{f.Rows * 1000:F3} / {f.Product * 1000:F3}"))})");
            var smallest = batchSizes.Min();
            foreach (var r in results.Where(r => r.Batch == smallest).OrderBy(r => r.Variant))
            {
                double readMs = config.MatMulParameterCount * bytesPerWeight[r.Variant] * secondsPerByte * 1000;
                Console.WriteLine($"{r.Variant}: batch {smallest} step {r.MillisecondsPerStep:F3} ms = {r.MillisecondsPerStep / readMs:F1}x the time to read its weights once " +
                    $"({config.MatMulParameterCount * bytesPerWeight[r.Variant] / 1e6:F0} MB in {readMs:F3} ms; weights read at {config.MatMulParameterCount * bytesPerWeight[r.Variant] / (r.MillisecondsPerStep / 1000) / 1e9:F0} GB/s during the step)");
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
                var report = new { machine, model = parse.GetValue(shape), past = parse.GetValue(past), steps = parse.GetValue(steps), peakFlops = Stats.Median(peaks), peakReadings = peaks,
                    weightReadBytes = read.Bytes, weightReadSeconds = read.Readings, weightReadForms = read.Forms.Select(f => new { reduceMax = f.Rows, matMul = f.Product }), bytesPerWeight, results };
                File.WriteAllText(path, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
            }
            return 0;
        }));
        return command;
    }

    /// <summary>Stored bytes per weight, scales included (one per block of 32, or per column for int8).</summary>
    private static double BytesPerWeight(WeightFormat format, bool half) => format switch
    {
        WeightFormat.Float => half ? 2 : 4,
        WeightFormat.Int8 => 1,
        _ => format.Bits() / 8.0 + (half ? 2.0 : 4.0) / BlockQuantization.BlockSize,
    };

    private static IEnumerable<WeightFormat> QuantizedFormats(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(WeightFormats.Parse).Where(f => f != WeightFormat.Float);
}
