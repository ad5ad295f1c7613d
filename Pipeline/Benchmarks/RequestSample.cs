using System.Diagnostics;
using TextGameGen.Contracts.Generation;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Pipeline.Benchmarks;

/// <summary>What one request saw, as a client of the scheduler.</summary>
internal sealed record RequestSample(double SubmittedAtMs, double TtftMs, double TpotMs, double EndToEndMs, int Tokens, GenerationOutcome Outcome, int Wanted)
{
    /// <summary>Runs one request, timing its first token, its inter-token gaps and its end.</summary>
    public static async Task<RequestSample> Measure(GenerationScheduler scheduler, int[] prompt, SamplerSettings settings, Stopwatch clock,
        List<double>? gaps = null, TimeSpan? deadline = null, CancellationToken cancellationToken = default)
    {
        double start = clock.Elapsed.TotalMilliseconds, first = double.NaN, previous = start, last = start;
        int tokens = 0;
        var outcome = GenerationOutcome.Cancelled;
        try
        {
            await foreach (var e in scheduler.GenerateAsync(prompt, settings, deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                double now = clock.Elapsed.TotalMilliseconds;
                if (e.TokenCount > tokens)
                {
                    if (double.IsNaN(first)) first = now;
                    else if (gaps is not null) lock (gaps) gaps.Add((now - previous) / (e.TokenCount - tokens));
                    previous = now;
                    tokens = e.TokenCount;
                }
                last = now;
                if (e.Outcome is { } o) outcome = o;
            }
        }
        catch (OperationCanceledException)
        {
            last = clock.Elapsed.TotalMilliseconds;
        }
        double tpot = tokens > 1 ? (previous - first) / (tokens - 1) : double.NaN;
        return new RequestSample(start, first - start, tpot, last - start, tokens, outcome, settings.MaxNewTokens);
    }
}
