using System.CommandLine;
using System.Text.Json;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Packaging;
using TextGameGen.Inference.Runtime;
using TextGameGen.Inference.Scheduling;
using TextGameGen.Pipeline.Benchmarks;
using TextGameGen.Pipeline.Output;

namespace TextGameGen.Pipeline.Commands;

/// <summary><c>tgg bench generate</c>: scenarios 1-4 (sweep, head-of-line, burst, interference).</summary>
internal static class BenchGenerateCommand
{
    private static readonly string[] AllScenarios = ["sweep", "hol", "burst", "interference"];

    public static Command Create()
    {
        var defaults = new GenerationBenchmarkSettings();
        var shape = new Option<string>("--shape") { DefaultValueFactory = _ => "small-124M", Description = "model shape, built in-process with seeded random weights" };
        var model = new Option<string?>("--model") { Description = "a model directory instead of --shape" };
        var scenarios = new Option<string>("--scenario") { DefaultValueFactory = _ => "all", Description = "all, or a comma list of sweep, hol, burst, interference" };
        var players = new Option<string>("--players") { DefaultValueFactory = _ => string.Join(',', defaults.Players), Description = "sweep: concurrent players" };
        var modes = new Option<string>("--modes") { DefaultValueFactory = _ => "serial,static,continuous" };
        var reps = new Option<int>("--reps") { DefaultValueFactory = _ => defaults.Repetitions, Description = "sweep: windows per mode and N, modes interleaved (median reported)" };
        var duration = new Option<double>("--duration") { DefaultValueFactory = _ => defaults.Duration.TotalSeconds, Description = "seconds per measured configuration" };
        var promptTokens = new Option<int>("--prompt-tokens") { DefaultValueFactory = _ => defaults.PromptTokens };
        var newTokens = new Option<int>("--new-tokens") { DefaultValueFactory = _ => defaults.NewTokens };
        var sharedPrefix = new Option<int>("--shared-prefix") { DefaultValueFactory = _ => 0, Description = "sweep: tokens every prompt opens with, as game contexts open with the world's memory; then the sweep also runs continuous-slots-prefix (kept openings)" };
        var prefixCache = new Option<int>("--prefix-cache-mib") { DefaultValueFactory = _ => 64, Description = "MiB of kept prompts for continuous-slots-prefix" };
        var rate = new Option<double>("--rate") { DefaultValueFactory = _ => defaults.ArrivalsPerSecond, Description = "head-of-line: arrivals per second" };
        var burstPlayers = new Option<int>("--burst-players") { DefaultValueFactory = _ => defaults.BurstPlayers };
        var burstTokens = new Option<int>("--burst-tokens") { DefaultValueFactory = _ => defaults.BurstTokens };
        var queue = new Option<int>("--queue-bound") { DefaultValueFactory = _ => defaults.QueueBound, Description = "burst: waiting requests at most" };
        var sweepBudget = new Option<int>("--sweep-prefill-budget") { DefaultValueFactory = _ => defaults.SweepPrefillBudget, Description = "sweep, head-of-line, burst: prefill tokens per step (padding counted)" };
        var servedRatio = new Option<double>("--waiting-served-ratio") { DefaultValueFactory = _ => defaults.WaitingServedRatio, Description = "continuous: newcomers are admitted once this share of the running rows wait (the server's WaitingServedRatio)" };
        var waitingSteps = new Option<int>("--max-waiting-steps") { DefaultValueFactory = _ => defaults.MaxWaitingSteps, Description = "continuous: ... or once they have waited this many steps (the server's MaxWaitingSteps)" };
        var everyStep = new Option<bool>("--every-step-variant") { Description = "sweep with --shared-prefix: also run kept openings with newcomers admitted at every step (continuous-slots-prefix-every-step), beside the admission above" };
        var budget = new Option<int>("--prefill-budget") { DefaultValueFactory = _ => defaults.PrefillBudget, Description = "interference: prefill tokens per step" };
        var fp16 = ModelOptions.Fp16();
        var device = ModelOptions.Device();
        var hostCache = ModelOptions.HostCache();
        var slotLayout = new Option<bool>("--slots") { DefaultValueFactory = _ => true, Description = "sweep and head-of-line also run continuous batching over the slot KV layout (fp32 on CPU; --slots false leaves it out)" };
        var weightFormat = new Option<string>("--weights")
        {
            DefaultValueFactory = _ => "float",
            Description = "with --shape: the weights' format (float, int8, int8-blocks, int4-blocks; with --fp16 the block formats only)",
        };
        var json = ModelOptions.Json();
        var command = new Command("generate", "Generation scenarios: concurrency sweep, head-of-line mix, burst, long-prompt interference")
        {
            shape, model, scenarios, players, modes, reps, duration, promptTokens, newTokens, sharedPrefix, prefixCache, rate, burstPlayers, burstTokens, queue, sweepBudget, servedRatio, waitingSteps, everyStep, budget, fp16, device, hostCache, slotLayout, weightFormat, json,
        };
        command.SetAction(parse => CommandErrors.Guard(async () =>
        {
            var chosen = parse.GetValue(scenarios) == "all" ? AllScenarios : parse.GetValue(scenarios)!.Split(',', StringSplitOptions.TrimEntries);
            if (chosen.FirstOrDefault(s => !AllScenarios.Contains(s)) is { } unknown)
                throw new ArgumentException($"Unknown scenario '{unknown}': use {string.Join(", ", AllScenarios)} or all.");
            var settings = new GenerationBenchmarkSettings
            {
                Players = BenchCommands.ParseList(parse.GetValue(players)!),
                Modes = parse.GetValue(modes)!.Split(',', StringSplitOptions.TrimEntries).Select(ParseMode).ToArray(),
                Duration = TimeSpan.FromSeconds(parse.GetValue(duration)),
                Repetitions = parse.GetValue(reps),
                PromptTokens = parse.GetValue(promptTokens),
                NewTokens = parse.GetValue(newTokens),
                SharedPrefixTokens = parse.GetValue(sharedPrefix),
                PrefixCacheBytes = (long)parse.GetValue(prefixCache) << 20,
                ArrivalsPerSecond = parse.GetValue(rate),
                BurstPlayers = parse.GetValue(burstPlayers),
                BurstTokens = parse.GetValue(burstTokens),
                QueueBound = parse.GetValue(queue),
                PrefillBudget = parse.GetValue(budget),
                SweepPrefillBudget = parse.GetValue(sweepBudget),
                WaitingServedRatio = parse.GetValue(servedRatio),
                MaxWaitingSteps = parse.GetValue(waitingSteps),
                CompareEveryStepAdmission = parse.GetValue(everyStep),
            };
            var format = WeightFormats.Parse(parse.GetValue(weightFormat)!);
            var (session, modelName, context) = OpenSession(parse.GetValue(model), parse.GetValue(shape)!, parse.GetValue(fp16), parse.GetValue(device)!, parse.GetValue(hostCache), format);
            using var _ = session;
            settings = settings with { ContextLength = context };
            var machine = MachineInfo.Current(session.ActiveDevice.ToString().ToLowerInvariant());
            // Slots for the largest batch the sweep and head-of-line mix use (and a long prompt being filled in chunks),
            // each as long as their longest request.
            using var slots = parse.GetValue(slotLayout) && session.ActiveDevice == ExecutionDevice.Cpu && !session.IsHalf
                ? OpenSlots(parse.GetValue(model), parse.GetValue(shape)!, settings.MaxBatchSize + 1, settings.PromptTokens + Math.Max(settings.NewTokens, settings.LongTokens) + 2,
                    keptPrefixes: settings.SharedPrefixTokens > 0, format)
                : null;
            var results = await LongTask.RunAsync("bench generate", async sink =>
            {
                var bench = new GenerationBenchmark(session, settings, sink.Line, slots);
                var all = new List<ScenarioResult>();
                string[] scenarios = [.. new[] { "sweep", "hol", "burst", "interference" }.Where(chosen.Contains)];
                foreach (var (scenario, i) in scenarios.Select((x, i) => (x, i)))
                {
                    sink.Report(i, scenarios.Length, scenario);
                    all.AddRange(scenario switch
                    {
                        "sweep" => await bench.ConcurrencySweep(),
                        "hol" => await bench.HeadOfLine(),
                        "burst" => await bench.Burst(),
                        _ => await bench.LongPromptInterference(),
                    });
                }
                return all;
            });

            Console.WriteLine($"machine: {machine}{(session.HasDeviceResidentCache ? ", KV cache in device memory" : "")}");
            Console.WriteLine($"model: {modelName}{(parse.GetValue(fp16) ? " fp16" : " fp32")}, prompt {settings.PromptTokens} tokens, {settings.NewTokens} new tokens, {settings.Duration.TotalSeconds:F0} s per configuration; continuous admission: {settings.WaitingServedRatio:0.##} of the running rows waiting or {settings.MaxWaitingSteps} steps");
            Console.WriteLine();
            GenerationReport.Print(results, settings);
            if (parse.GetValue(json) is { } path)
                File.WriteAllText(path, JsonSerializer.Serialize(new { machine, model = modelName, settings, results }, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
            return 0;
        }));
        return command;
    }

    private static BatchingMode ParseMode(string value) => Enum.TryParse<BatchingMode>(value, ignoreCase: true, out var mode)
        ? mode
        : throw new ArgumentException($"Unknown mode '{value}': use serial, static or continuous.");

    private static SlotBatchDecoder OpenSlots(string? modelDir, string shape, int rows, int maxLength, bool keptPrefixes, WeightFormat format)
    {
        var settings = ModelOptions.Session("cpu");
        if (modelDir is not null)
        {
            var dir = ModelDirectory.Open(modelDir);
            return SlotBatchDecoder.TryOpen(dir.ModelPath, dir.Config, rows, maxLength, settings, keptPrefixes)
                ?? throw new ArgumentException($"{modelDir} was not written by this project, so it has no slot layout: use --slots false.");
        }
        return SlotBatchDecoder.Create(Gpt2Weights.CreateRandom(Gpt2Config.FromShapeName(shape), seed: 1), format, rows, maxLength, settings, keptPrefixes);
    }

    internal static (Gpt2Session Session, string Name, int Context) OpenSession(string? modelDir, string shape, bool half, string device, bool hostCache,
        WeightFormat format = WeightFormat.Float)
    {
        var settings = ModelOptions.Session(device, hostCache);
        if (modelDir is not null)
        {
            var dir = ModelDirectory.Open(modelDir);
            return (Gpt2Session.Open(dir.ModelPath, settings, m => Console.Error.WriteLine(m)), modelDir, dir.Config.Context);
        }
        var config = Gpt2Config.FromShapeName(shape);
        Console.Error.WriteLine($"building {shape} ({config.ParameterCount:N0} parameters)...");
        var bytes = Gpt2OnnxWriter.ToBytes(Gpt2Weights.CreateRandom(config, seed: 1), new OnnxExportOptions { Float16 = half, Weights = format });
        return (Gpt2Session.Open(bytes, settings, m => Console.Error.WriteLine(m)), format == WeightFormat.Float ? shape : $"{shape} {format.Name()}", config.Context);
    }
}
