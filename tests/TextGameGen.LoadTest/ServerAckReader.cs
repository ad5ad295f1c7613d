using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using TextGameGen.WebFront.Hubs;

namespace TextGameGen.LoadTest;

/// <summary>
/// Reads each front end's own acknowledgement times (hub entry to stored turn) through its GM-only
/// <c>/api/admin/acks</c>, whether the server runs in this process or in others: reset when measuring starts, read at
/// the end, merged over all front ends for exact percentiles.
/// </summary>
public sealed class ServerAckReader(IReadOnlyList<Uri> frontEnds, string gmKey) : IDisposable
{
    private readonly List<double> _taken = [];
    private long _takenCount;
    private readonly List<HttpClient> _clients = [.. frontEnds.Select(f => new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = f })];

    /// <summary>Signs in as a game master on every front end.</summary>
    public async Task SignInAsync(CancellationToken cancellationToken)
    {
        foreach (var client in _clients)
        {
            var answer = await client.PostAsJsonAsync("/api/signin", new { name = "load-test-gm", gmKey }, cancellationToken);
            if (!answer.IsSuccessStatusCode)
                throw new InvalidOperationException($"GM sign-in at {client.BaseAddress} failed ({(int)answer.StatusCode}): the server-side figures need the server's GM key (--gm-key)");
        }
    }

    /// <summary>Starts a new measuring window on every front end.</summary>
    public Task ResetAsync(CancellationToken cancellationToken) => ReadAllAsync(reset: true, cancellationToken);

    /// <summary>The times measured since the last window (or reset) on all front ends; a new window starts. The summary still counts them.</summary>
    public async Task<double[]> TakeWindowAsync(CancellationToken cancellationToken)
    {
        var snapshots = await ReadAllAsync(reset: true, cancellationToken);
        double[] values = [.. snapshots.SelectMany(s => s.ValuesMs)];
        _taken.AddRange(values);
        _takenCount += snapshots.Sum(s => s.Count);
        return values;
    }

    public async Task<string> SummaryAsync(CancellationToken cancellationToken)
    {
        var snapshots = await ReadAllAsync(reset: false, cancellationToken);
        var all = snapshots.SelectMany(s => s.ValuesMs).Concat(_taken).ToList();
        var c = CultureInfo.InvariantCulture;
        var line = string.Create(c, $"acknowledgement ms inside the server (hub to stored turn), {snapshots.Length} front end(s): p50 {LoadTestReport.Percentile(all, 50):F2}, p99 {LoadTestReport.Percentile(all, 99):F2}, max {(all.Count > 0 ? all.Max() : double.NaN):F2} ({snapshots.Sum(s => s.Count) + _takenCount} acks)");
        if (snapshots.Length > 1 && _takenCount == 0)
            line += string.Join("", snapshots.Select(s => string.Create(c, $"\n  {s.FrontEnd}: p50 {LoadTestReport.Percentile(s.ValuesMs, 50):F2}, p99 {LoadTestReport.Percentile(s.ValuesMs, 99):F2} ({s.Count} acks)")));
        return line;
    }

    private async Task<AckTimesSnapshot[]> ReadAllAsync(bool reset, CancellationToken cancellationToken) =>
        await Task.WhenAll(_clients.Select(async client =>
            await client.GetFromJsonAsync<AckTimesSnapshot>($"/api/admin/acks?reset={(reset ? "true" : "false")}", cancellationToken)
            ?? throw new InvalidOperationException($"{client.BaseAddress} returned no acknowledgement times")));

    public void Dispose()
    {
        foreach (var client in _clients) client.Dispose();
    }
}
