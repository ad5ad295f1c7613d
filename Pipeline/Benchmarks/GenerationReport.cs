using TextGameGen.Pipeline.Output;

namespace TextGameGen.Pipeline.Benchmarks;

/// <summary>Prints generation benchmark results as Markdown, with the headline ratios.</summary>
internal static class GenerationReport
{
    public static void Print(IReadOnlyList<ScenarioResult> results, GenerationBenchmarkSettings settings)
    {
        var table = TableWriter.With("scenario", "mode", "#N", "#tokens/s", "#TTFT p50", "#TTFT p99", "#TPOT p50", "#TPOT p99", "#e2e p50", "#e2e p99",
            "#completed", "#busy", "#timed out", "batch sizes", "note");
        foreach (var r in results)
            table.Row(r.Scenario, r.Mode, r.Players, r.TokensPerSecond.ToString("F1"), r.TtftP50.ToString("F0"), r.TtftP99.ToString("F0"), r.TpotP50.ToString("F1"),
                r.TpotP99.ToString("F1"), r.EndToEndP50.ToString("F0"), r.EndToEndP99.ToString("F0"), r.Completed, r.Rejected, r.TimedOut, Histogram(r.BatchSizes), r.Note);
        table.Write();
        Console.WriteLine();
        Console.WriteLine("(times in ms; batch sizes: median and max rows per decode step)");
        Console.WriteLine();

        foreach (int n in settings.Players)
        {
            var serial = results.FirstOrDefault(r => r.Scenario == "sweep" && r.Mode == "serial" && r.Players == n);
            var stat = results.FirstOrDefault(r => r.Scenario == "sweep" && r.Mode == "static" && r.Players == n);
            var cont = results.FirstOrDefault(r => r.Scenario == "sweep" && r.Mode == "continuous" && r.Players == n);
            if (serial is not null && cont is not null)
                Console.WriteLine($"sweep N={n}: continuous / serial tokens/s = {cont.TokensPerSecond / serial.TokensPerSecond:F1}x" +
                    (stat is not null ? $"; continuous / static = {cont.TokensPerSecond / stat.TokensPerSecond:F2}x" : ""));
        }
        foreach (int n in results.Where(r => r.Scenario == "sweep").Select(r => r.Players).Distinct())
        {
            var optimum = results.FirstOrDefault(r => r.Scenario == "sweep" && r.Mode == "continuous" && r.Players == n);
            var slotRows = results.FirstOrDefault(r => r.Scenario == "sweep" && r.Mode == "continuous-slots" && r.Players == n);
            if (optimum is not null && slotRows is not null)
                Console.WriteLine($"sweep N={n}: continuous on slots / continuous (Optimum layout) tokens/s = {slotRows.TokensPerSecond / optimum.TokensPerSecond:F2}x");
        }
        foreach (int n in results.Where(r => r.Scenario == "sweep").Select(r => r.Players).Distinct())
        {
            // Serving against the decoder alone at the same batch size and layout, measured in this run.
            foreach (var (serving, alone) in new[] { ("continuous", GenerationBenchmark.DecoderAloneLabel), (GenerationBenchmark.SlotsLabel, GenerationBenchmark.SlotDecoderAloneLabel), (GenerationBenchmark.SlotsPrefixLabel, GenerationBenchmark.SlotDecoderAloneLabel),
                (GenerationBenchmark.SlotsPrefixEveryStepLabel, GenerationBenchmark.SlotDecoderAloneLabel) })
            {
                var s = results.FirstOrDefault(r => r.Scenario == "sweep" && r.Mode == serving && r.Players == n);
                var d = results.FirstOrDefault(r => r.Scenario == "sweep" && r.Mode == alone && r.Players == n);
                if (s is not null && d is not null)
                    Console.WriteLine($"sweep N={n}: {serving} / the decoder alone at batch {n} = {100 * s.TokensPerSecond / d.TokensPerSecond:F0}% ({s.TokensPerSecond:F0} / {d.TokensPerSecond:F0} tokens/s){PairedShares(s, d)}");
            }
        }
        foreach (int n in results.Where(r => r.Scenario == "sweep").Select(r => r.Players).Distinct())
        {
            var whole = results.FirstOrDefault(r => r.Scenario == "sweep" && r.Mode == GenerationBenchmark.SlotsLabel && r.Players == n);
            var kept = results.FirstOrDefault(r => r.Scenario == "sweep" && r.Mode == GenerationBenchmark.SlotsPrefixLabel && r.Players == n);
            if (whole is not null && kept is not null)
                Console.WriteLine($"sweep N={n}: continuous on slots with kept openings / without = {kept.TokensPerSecond / whole.TokensPerSecond:F2}x ({settings.SharedPrefixTokens} of {settings.PromptTokens} prompt tokens shared)");
            var everyStep = results.FirstOrDefault(r => r.Scenario == "sweep" && r.Mode == GenerationBenchmark.SlotsPrefixEveryStepLabel && r.Players == n);
            if (everyStep is not null && kept is not null)
                Console.WriteLine($"sweep N={n}: kept openings admitted at every step / at the configured admission = {everyStep.TokensPerSecond / kept.TokensPerSecond:F2}x; TTFT p50 {everyStep.TtftP50:F0} against {kept.TtftP50:F0} ms{PairedShares(everyStep, kept)}");
            var serial = results.FirstOrDefault(r => r.Scenario == "sweep" && r.Mode == "serial" && r.Players == n);
            if (serial is not null && kept is not null)
                Console.WriteLine($"sweep N={n}: continuous on slots with kept openings / serial = {kept.TokensPerSecond / serial.TokensPerSecond:F1}x");
        }
        var holSlots = results.FirstOrDefault(r => r.Scenario == "head-of-line (short)" && r.Mode == "continuous-slots");
        var holOptimum = results.FirstOrDefault(r => r.Scenario == "head-of-line (short)" && r.Mode == "continuous");
        if (holSlots is not null && holOptimum is not null)
            Console.WriteLine($"head-of-line: short requests' p99 end-to-end continuous (Optimum layout) / continuous on slots = {holOptimum.EndToEndP99 / holSlots.EndToEndP99:F2}x");
        var holStatic = results.FirstOrDefault(r => r.Scenario == "head-of-line (short)" && r.Mode == "static");
        var holCont = results.FirstOrDefault(r => r.Scenario == "head-of-line (short)" && r.Mode == "continuous");
        if (holStatic is not null && holCont is not null)
            Console.WriteLine($"head-of-line: short requests' p99 end-to-end static / continuous = {holStatic.EndToEndP99 / holCont.EndToEndP99:F1}x");
        var burstSerial = results.FirstOrDefault(r => r.Scenario == "burst" && r.Mode == "serial");
        var burstCont = results.FirstOrDefault(r => r.Scenario == "burst" && r.Mode == "continuous");
        if (burstSerial is not null && burstCont is not null)
            Console.WriteLine($"burst: drain time serial / continuous = {burstSerial.Note} / {burstCont.Note}");
        var interference = results.Where(r => r.Scenario == "interference").ToList();
        if (interference.Count == 2)
            Console.WriteLine($"interference: p99 inter-token latency without / with prefill budget = {interference[0].TpotP99:F0} ms / {interference[1].TpotP99:F0} ms = {interference[0].TpotP99 / interference[1].TpotP99:F1}x");
    }

    private static string Histogram(IReadOnlyDictionary<int, long> sizes)
    {
        if (sizes.Count == 0) return "-";
        long total = sizes.Values.Sum(), seen = 0;
        int median = sizes.First(kv => (seen += kv.Value) * 2 >= total).Key;
        return $"{median} / {sizes.Keys.Max()}";
    }

    /// <summary>
    /// Serving against the decoder alone repetition by repetition (each pair measured minutes apart at most, so a
    /// machine whose speed drifts over the run shows in their spread, which the two medians hide), and their median.
    /// </summary>
    private static string PairedShares(ScenarioResult serving, ScenarioResult alone)
    {
        if (serving.Windows.Count < 2 || serving.Windows.Count != alone.Windows.Count) return "";
        var shares = serving.Windows.Zip(alone.Windows, (s, d) => 100 * s / d).ToList();
        var sorted = shares.OrderBy(x => x).ToList();
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"; per repetition {string.Join(", ", shares.Select(x => x.ToString("F0", System.Globalization.CultureInfo.InvariantCulture) + "%"))}, their median {sorted[sorted.Count / 2]:F0}%");
    }
}
