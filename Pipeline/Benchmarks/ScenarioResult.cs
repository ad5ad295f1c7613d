namespace TextGameGen.Pipeline.Benchmarks;

/// <summary>One row of a generation benchmark report.</summary>
internal sealed record ScenarioResult(
    string Scenario, string Mode, int Players, double TokensPerSecond,
    double TtftP50, double TtftP99, double TpotP50, double TpotP99, double EndToEndP50, double EndToEndP99,
    int Completed, int Rejected, int TimedOut, IReadOnlyDictionary<int, long> BatchSizes, string Note = "")
{
    public static ScenarioResult From(string scenario, string mode, int players, double seconds, IReadOnlyCollection<RequestSample> samples,
        IReadOnlyDictionary<int, long> batchSizes, string note = "")
    {
        var done = samples.Where(s => s.Outcome == Contracts.Generation.GenerationOutcome.Completed).ToList();
        double P(Func<RequestSample, double> f, double p) => Stats.Percentile(done.Select(f).Where(v => !double.IsNaN(v)), p);
        return new ScenarioResult(scenario, mode, players, samples.Sum(s => s.Tokens) / seconds,
            P(s => s.TtftMs, 50), P(s => s.TtftMs, 99), P(s => s.TpotMs, 50), P(s => s.TpotMs, 99), P(s => s.EndToEndMs, 50), P(s => s.EndToEndMs, 99),
            done.Count, samples.Count(s => s.Outcome == Contracts.Generation.GenerationOutcome.Busy),
            samples.Count(s => s.Outcome == Contracts.Generation.GenerationOutcome.TimedOut), batchSizes, note);
    }

    /// <summary>Tokens/s of each repetition's window, in the order they ran (a sweep's median row carries them all).</summary>
    public IReadOnlyList<double> Windows { get; init; } = [];
}
