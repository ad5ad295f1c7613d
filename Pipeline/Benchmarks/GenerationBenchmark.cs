using System.Diagnostics;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Runtime;
using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Pipeline.Benchmarks;

/// <summary>
/// Scenarios 1-4 of the benchmark plan, on one session, each mode on its own scheduler. Given a slot decoder, the
/// sweep and the head-of-line mix also run continuous batching over the slot KV layout ("continuous-slots"), and when
/// the sweep's prompts share an opening, the same with kept prompt openings ("continuous-slots-prefix").
/// </summary>
internal sealed class GenerationBenchmark(Gpt2Session session, GenerationBenchmarkSettings settings, Action<string> progress, SlotBatchDecoder? slots = null)
{
    public const string SlotsLabel = "continuous-slots", SlotsPrefixLabel = "continuous-slots-prefix";

    /// <summary>Kept openings prefilled one prompt per pass (as before the prefix model), beside the batched ones.</summary>
    public const string SlotsPrefixRowwiseLabel = "continuous-slots-prefix-rowwise";

    /// <summary>Kept openings with newcomers admitted at every step (<c>WaitingServedRatio</c> 0), beside the configured admission.</summary>
    public const string SlotsPrefixEveryStepLabel = "continuous-slots-prefix-every-step";
    private readonly Random _random = new(17);
    private int[]? _opening;

    /// <summary>The modes to compare, labelled, with the slot layout's continuous batching last when there is one.</summary>
    private IEnumerable<(string Label, BatchingMode Mode, bool Slots, bool Prefixes)> Variants(IEnumerable<BatchingMode> modes, bool withPrefixes = false) =>
        modes.Select(m => (m.ToString().ToLowerInvariant(), m, false, false))
            .Concat(slots is not null && modes.Contains(BatchingMode.Continuous) ? [(SlotsLabel, BatchingMode.Continuous, true, false)] : [])
            .Concat(slots is not null && modes.Contains(BatchingMode.Continuous) && withPrefixes && settings.SharedPrefixTokens > 0
                ? [(SlotsPrefixLabel, BatchingMode.Continuous, true, true)] : [])
            .Concat(slots is { Session.BatchesKeptPrefixes: true } && modes.Contains(BatchingMode.Continuous) && withPrefixes && settings.SharedPrefixTokens > 0
                ? [(SlotsPrefixRowwiseLabel, BatchingMode.Continuous, true, true)] : [])
            .Concat(slots is not null && modes.Contains(BatchingMode.Continuous) && withPrefixes && settings.SharedPrefixTokens > 0 && settings.CompareEveryStepAdmission
                ? [(SlotsPrefixEveryStepLabel, BatchingMode.Continuous, true, true)] : []);

    public const string DecoderAloneLabel = "decoder-alone", SlotDecoderAloneLabel = "decoder-alone-slots";

    /// <summary>The decoders the serving modes run on, when continuous batching is measured (a batch of N fits them).</summary>
    private IEnumerable<(string Label, IBatchDecoder Decoder)> DecoderVariants(int players)
    {
        if (!settings.Modes.Contains(BatchingMode.Continuous) || players > settings.MaxBatchSize) yield break;
        yield return (DecoderAloneLabel, session);
        if (slots is not null && slots.CanHold(players, settings.PromptTokens + settings.NewTokens)) yield return (SlotDecoderAloneLabel, slots);
    }

    /// <summary>
    /// Tokens/s of the decoder alone: <paramref name="batch"/> rows with a past half way through a passage (prompt plus
    /// half the new tokens), single-token steps, no sampling or scheduling (the logits are left unread). The steps run
    /// once untimed (on a GPU the first step at each new length prepares its attention kernels, tens of milliseconds
    /// each, which the serving modes have long done by the time they are measured), then again, each pass from a new
    /// prefill (not timed), until the timed steps add up to a quarter of a serving window (at least a second): a small
    /// model's few steps take tens of milliseconds, too short a window to set serving against on a noisy machine.
    /// </summary>
    private double DecoderAlone(IBatchDecoder decoder, int batch)
    {
        int steps = Math.Max(8, settings.NewTokens / 2);
        int past = Math.Min(settings.PromptTokens + settings.NewTokens / 2, settings.ContextLength - steps - 2); // within the model's context
        var logits = new float[batch * decoder.VocabularySize];
        var tokens = new int[batch];
        double target = Math.Max(1.0, settings.Duration.TotalSeconds / 4), seconds = 0;
        long timedSteps = 0;
        for (int pass = 0; pass == 0 || seconds < target; pass++)
        {
            var cache = decoder.Prefill([.. Enumerable.Range(0, batch).Select(_ => (IReadOnlyList<int>)Prompt(past))], logits);
            try
            {
                var clock = Stopwatch.StartNew();
                for (int s = 0; s < steps; s++)
                {
                    for (int b = 0; b < batch; b++) tokens[b] = _random.Next(50257);
                    decoder.Decode(cache, tokens, logits);
                }
                if (pass == 0) continue; // the untimed first pass
                seconds += clock.Elapsed.TotalSeconds;
                timedSteps += steps;
            }
            finally
            {
                cache.Dispose();
            }
        }
        return batch * timedSteps / seconds;
    }

    /// <summary>Random tokens; players' tasks draw at once, and <see cref="Random"/> is not thread-safe.</summary>
    private int[] Prompt(int tokens)
    {
        lock (_random) return Enumerable.Range(0, tokens).Select(_ => _random.Next(50257)).ToArray();
    }

    private int NextSeed()
    {
        lock (_random) return _random.Next();
    }

    /// <summary>A sweep player's prompt: the shared opening (the same every time), then random tokens.</summary>
    private int[] PlayerPrompt()
    {
        int shared = Math.Min(settings.SharedPrefixTokens, settings.PromptTokens - 1);
        lock (_random) _opening ??= Prompt(Math.Max(0, shared)); // the same for every player and window
        return [.. _opening, .. Prompt(settings.PromptTokens - _opening.Length)];
    }

    private SamplerSettings Fixed(int tokens) => new() { Seed = NextSeed(), MaxNewTokens = tokens, IgnoreEndOfText = true, TopK = 40, TopP = 1, RepetitionPenalty = 1 };

    private GenerationScheduler Scheduler(BatchingMode mode, int maxBatch, int prefillBudget = 512, int queue = 1024, bool onSlots = false, bool everyStep = false) =>
        new(onSlots ? slots! : session, StoryTokenizer.Shared, new SchedulerOptions
        {
            Mode = mode,
            MaxBatchSize = mode == BatchingMode.Serial ? 1 : maxBatch,
            MaxQueueLength = queue,
            MaxPrefillTokensPerStep = prefillBudget,
            WaitingServedRatio = everyStep ? 0 : settings.WaitingServedRatio,
            MaxWaitingSteps = settings.MaxWaitingSteps,
            MaxKvTokens = 1 << 20,
            ContextLength = settings.ContextLength,
            DefaultDeadline = TimeSpan.FromHours(1),
        });

    /// <summary>
    /// Scenario 1: N players in a closed loop, no think time. For each N the modes take turns, window after window,
    /// for several repetitions, so machine noise falls on all of them alike; the window with the median tokens/s is reported.
    /// </summary>
    public async Task<List<ScenarioResult>> ConcurrencySweep()
    {
        var results = new List<ScenarioResult>();
        foreach (int players in settings.Players)
        {
            var variants = Variants(settings.Modes, withPrefixes: true).ToList();
            var windows = variants.ToDictionary(v => v.Label, _ => new List<ScenarioResult>());
            for (int rep = 0; rep < settings.Repetitions; rep++)
            {
                foreach (var variant in variants)
                {
                    var result = await SweepWindow(variant, players);
                    progress($"sweep N={players} {variant.Label} rep {rep + 1}/{settings.Repetitions}: {result.TokensPerSecond:F1} tok/s, TTFT p50 {result.TtftP50:F0} ms");
                    windows[variant.Label].Add(result);
                }
                // The decoder alone at the same batch size, same layout, in the same run: what serving is measured against.
                foreach (var (label, decoder) in DecoderVariants(players))
                {
                    double tokensPerSecond = DecoderAlone(decoder, players);
                    progress($"sweep N={players} {label} rep {rep + 1}/{settings.Repetitions}: {tokensPerSecond:F1} tok/s");
                    if (!windows.TryGetValue(label, out var list)) windows[label] = list = [];
                    list.Add(new ScenarioResult("sweep", label, players, tokensPerSecond, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0, 0, 0,
                        new Dictionary<int, long> { [players] = 1 }));
                }
            }
            foreach (var label in variants.Select(v => v.Label).Concat(DecoderVariants(players).Select(d => d.Label)))
            {
                var sorted = windows[label].OrderBy(r => r.TokensPerSecond).ToList();
                results.Add(sorted[sorted.Count / 2] with
                {
                    Windows = [.. windows[label].Select(r => r.TokensPerSecond)],
                    Note = $"median of {sorted.Count}: {string.Join(", ", windows[label].Select(r => r.TokensPerSecond.ToString("F0")))} tok/s" + (sorted[sorted.Count / 2].Note is { Length: > 0 } steps ? "; " + steps : ""),
                });
            }
        }
        return results;
    }

    private async Task<ScenarioResult> SweepWindow((string Label, BatchingMode Mode, bool Slots, bool Prefixes) variant, int players)
    {
        var mode = variant.Mode;
        var prefixes = variant.Prefixes ? new PrefixKvCache(settings.PrefixCacheBytes) : null;
        if (slots is not null)
        {
            slots.Prefixes = prefixes;
            slots.BatchKeptPrefixes = variant.Label != SlotsPrefixRowwiseLabel;
        }
        try
        {
            return await SweepWindow(variant, players, prefixes);
        }
        finally
        {
            if (slots is not null) slots.Prefixes = null;
            prefixes?.Dispose();
        }
    }

    private async Task<ScenarioResult> SweepWindow((string Label, BatchingMode Mode, bool Slots, bool Prefixes) variant, int players, PrefixKvCache? prefixes)
    {
        var mode = variant.Mode;
        await using var scheduler = Scheduler(mode, Math.Min(players, settings.MaxBatchSize), settings.SweepPrefillBudget, onSlots: variant.Slots,
            everyStep: variant.Label == SlotsPrefixEveryStepLabel);
        await RequestSample.Measure(scheduler, Prompt(8), Fixed(2), Stopwatch.StartNew());
        using var batches = new BatchSizeRecorder();
        var timingsBefore = scheduler.Timings.Read();
        var clock = Stopwatch.StartNew();
        using var window = new CancellationTokenSource(settings.Duration);
        var samples = new List<RequestSample>();
        await Task.WhenAll(Enumerable.Range(0, players).Select(async _ =>
        {
            while (!window.IsCancellationRequested)
            {
                var s = await RequestSample.Measure(scheduler, PlayerPrompt(), Fixed(settings.NewTokens), clock, cancellationToken: window.Token);
                lock (samples) samples.Add(s);
            }
        }));
        var t = scheduler.Timings.Read().Minus(timingsBefore);
        // Where each decode step's time went: inside ONNX Runtime (decode, and the prefills between steps) or outside it.
        string steps = t.DecodeSteps == 0 ? "" : string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"per step {t.LoopMsPerStep:F1} ms: ONNX Runtime {t.OnnxMs / t.DecodeSteps:F1}, sampling {t.SamplingMs / t.DecodeSteps:F1}, moving rows {t.RowMovesMs / t.DecodeSteps:F1}, other {(t.OutsideMs - t.SamplingMs - t.RowMovesMs) / t.DecodeSteps:F1} (outside ORT {100 * t.OutsideShare:F0}%)");
        if (prefixes is not null)
            steps += string.Create(System.Globalization.CultureInfo.InvariantCulture, $"; prompt positions copied {100 * prefixes.ReusedShare:F0}% ({prefixes.Hits} of {prefixes.Lookups} prompts)");
        return ScenarioResult.From("sweep", variant.Label, players, clock.Elapsed.TotalSeconds, samples, batches.Snapshot(), steps);
    }

    /// <summary>Scenario 2: open loop at a fixed arrival rate; 90% short requests, 10% long ones.</summary>
    public async Task<List<ScenarioResult>> HeadOfLine()
    {
        var results = new List<ScenarioResult>();
        foreach (var (label, mode, onSlots, _) in Variants([BatchingMode.Static, BatchingMode.Continuous]))
        {
            await using var scheduler = Scheduler(mode, settings.MaxBatchSize, settings.SweepPrefillBudget, onSlots: onSlots);
            using var batches = new BatchSizeRecorder();
            var arrivals = new Random(5);
            var clock = Stopwatch.StartNew();
            var tasks = new List<Task<RequestSample>>();
            double next = 0;
            while (clock.Elapsed < settings.Duration)
            {
                double wait = next - clock.Elapsed.TotalMilliseconds;
                if (wait > 0) await Task.Delay(TimeSpan.FromMilliseconds(wait));
                int tokens = arrivals.NextDouble() < 0.1 ? settings.LongTokens : settings.ShortTokens;
                tasks.Add(RequestSample.Measure(scheduler, Prompt(settings.PromptTokens), Fixed(tokens), clock));
                next += -Math.Log(1 - arrivals.NextDouble()) * 1000 / settings.ArrivalsPerSecond;
            }
            var samples = await Task.WhenAll(tasks);
            double seconds = clock.Elapsed.TotalSeconds;
            var shorts = samples.Where(s => s.Wanted == settings.ShortTokens).ToList();
            var all = ScenarioResult.From("head-of-line", label, tasks.Count, seconds, samples, batches.Snapshot());
            var shortOnly = ScenarioResult.From("head-of-line (short)", label, shorts.Count, seconds, shorts, batches.Snapshot());
            progress($"head-of-line {label}: short p99 e2e {shortOnly.EndToEndP99:F0} ms");
            results.Add(all);
            results.Add(shortOnly);
        }
        return results;
    }

    /// <summary>Scenario 3: a GM world event reaches every player at once.</summary>
    public async Task<List<ScenarioResult>> Burst()
    {
        var results = new List<ScenarioResult>();
        foreach (var mode in new[] { BatchingMode.Serial, BatchingMode.Continuous })
        {
            await using var scheduler = Scheduler(mode, settings.MaxBatchSize, settings.SweepPrefillBudget, settings.QueueBound);
            using var batches = new BatchSizeRecorder();
            var clock = Stopwatch.StartNew();
            var samples = await Task.WhenAll(Enumerable.Range(0, settings.BurstPlayers).Select(_ =>
                RequestSample.Measure(scheduler, Prompt(settings.PromptTokens), Fixed(settings.BurstTokens), clock, deadline: settings.BurstDeadline)));
            double drain = clock.Elapsed.TotalSeconds;
            var result = ScenarioResult.From("burst", mode.ToString().ToLowerInvariant(), settings.BurstPlayers, drain, samples, batches.Snapshot(),
                $"drain {drain:F1} s");
            progress($"burst {mode}: all ended after {drain:F1} s, {result.Completed} completed, {result.Rejected} busy, {result.TimedOut} timed out");
            results.Add(result);
        }
        return results;
    }

    /// <summary>Scenario 4: decoding streams while a long prompt arrives every few seconds, with and without a prefill budget.</summary>
    public async Task<List<ScenarioResult>> LongPromptInterference()
    {
        var results = new List<ScenarioResult>();
        foreach (var (name, budget) in new[] { ("no prefill budget", 1 << 20), ($"prefill budget {settings.PrefillBudget}", settings.PrefillBudget) })
        {
            await using var scheduler = Scheduler(BatchingMode.Continuous, settings.MaxBatchSize, prefillBudget: budget);
            using var batches = new BatchSizeRecorder();
            var clock = Stopwatch.StartNew();
            using var window = new CancellationTokenSource(settings.Duration);
            var gaps = new List<double>();
            var samples = new List<RequestSample>();
            var streams = Enumerable.Range(0, settings.InterferenceStreams).Select(async _ =>
            {
                while (!window.IsCancellationRequested)
                {
                    var s = await RequestSample.Measure(scheduler, Prompt(settings.PromptTokens), Fixed(settings.NewTokens), clock, gaps, cancellationToken: window.Token);
                    lock (samples) samples.Add(s);
                }
            }).ToList();
            var longOnes = new List<Task<RequestSample>>();
            while (!window.IsCancellationRequested)
            {
                longOnes.Add(RequestSample.Measure(scheduler, Prompt(settings.LongPromptTokens), Fixed(8), clock, cancellationToken: window.Token));
                try { await Task.Delay(settings.LongPromptEvery, window.Token); } catch (OperationCanceledException) { }
            }
            await Task.WhenAll(streams);
            var longSamples = await Task.WhenAll(longOnes);
            double p99Gap, p50Gap;
            lock (gaps) { p99Gap = Stats.Percentile(gaps, 99); p50Gap = Stats.Percentile(gaps, 50); }
            var result = ScenarioResult.From("interference", name, settings.InterferenceStreams, clock.Elapsed.TotalSeconds, samples, batches.Snapshot(),
                $"inter-token p50 {p50Gap:F1} ms, p99 {p99Gap:F1} ms; long-prompt TTFT p50 {Stats.Median(longSamples.Select(s => s.TtftMs).Where(v => !double.IsNaN(v))):F0} ms");
            progress($"interference, {name}: inter-token p99 {p99Gap:F1} ms");
            results.Add(result with { TpotP50 = p50Gap, TpotP99 = p99Gap });
        }
        return results;
    }
}
