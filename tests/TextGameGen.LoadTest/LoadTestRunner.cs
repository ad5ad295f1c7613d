using System.Diagnostics;

namespace TextGameGen.LoadTest;

/// <summary>
/// Runs N simulated players against a game server: they all join over a ramp-up, then each sends its actions, one at
/// a time, waiting for the passage and a pause between them. Reports what the clients saw while playing.
/// </summary>
public static class LoadTestRunner
{
    public static readonly string[] DefaultCommands =
    [
        "do open the old door", "say hello, is anyone there?", "do light the lantern", "look", "do search the room",
        "say I am looking for work", "continue", "do climb the stairs", "inventory",
    ];

    /// <summary>Runs the players against one front end, or spread round-robin over several (of one cluster).</summary>
    public static async Task<LoadTestReport> RunAsync(IReadOnlyList<Uri> servers, LoadTestOptions options, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, options.Clients).Select(i => new LoadClient(servers[i % servers.Count], $"load{i}", options.World, clock)).ToList();
        // Marked room actions: delivery to the others is measured (the players must share one room: not spread).
        bool marked = (options.Commands ?? DefaultCommands).Any(c => c.Contains(RoomDeliveries.Placeholder, StringComparison.Ordinal));
        var deliveries = marked ? new RoomDeliveries(clock) : null;
        foreach (var c in clients) c.Deliveries = deliveries;
        int sent = 0, acknowledged = 0, complete = 0, lost = 0;
        var errors = new List<string>();
        double? faultSeconds = null;
        Task fault = Task.CompletedTask, ticker = Task.CompletedTask;
        var series = options.CreateSeries?.Invoke(() => clients.Count(c => c.IsConnected));
        using var stopTicking = new CancellationTokenSource();
        try
        {
            // Everyone joins first (spread over the ramp-up), then the actions start, each client at a random offset
            // within one think time: the figures are for players in the game, not for joining.
            var connected = await Task.WhenAll(clients.Select(async (client, i) =>
            {
                await Task.Delay(options.RampUp * (i / (double)Math.Max(1, options.Clients)), cancellationToken);
                try
                {
                    await client.ConnectAsync(cancellationToken);
                    return true;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    lock (errors) errors.Add($"load{i} connect: {ex.Message}");
                    return false;
                }
            }));
            if (options.SpreadOverRooms)
            {
                string[] exits = ["north", "east", "south", ""];
                await Task.WhenAll(clients.Select(async (client, i) =>
                {
                    if (connected[i] && exits[i % exits.Length] is { Length: > 0 } exit) await client.ActAsync("go " + exit, options.PassageTimeout, cancellationToken);
                }));
            }
            if (options.WarmupActions > 0)
            {
                await Task.WhenAll(clients.Select(async (client, i) =>
                {
                    if (!connected[i]) return;
                    for (int a = 0; a < options.WarmupActions; a++) await client.ActAsync("do warm up", options.PassageTimeout, cancellationToken);
                }));
                foreach (var client in clients) client.ResetMeasurements();
                deliveries?.Reset();
            }
            if (options.OnMeasuring is { } measuring) await measuring();
            if (series is not null) await series.StartAsync(cancellationToken);
            clock.Restart();
            if (series is not null)
            {
                foreach (var c in clients) c.Series = series;
                ticker = Task.Run(async () =>
                {
                    using var timer = new PeriodicTimer(options.SeriesInterval);
                    try
                    {
                        while (await timer.WaitForNextTickAsync(stopTicking.Token)) await series.TickAsync(clock.Elapsed.TotalMinutes, cancellationToken);
                    }
                    catch (OperationCanceledException) when (stopTicking.IsCancellationRequested)
                    {
                    }
                }, cancellationToken);
            }
            if (options.Fault is { } doFault)
            {
                fault = Task.Run(async () =>
                {
                    await Task.Delay(options.FaultAt, cancellationToken);
                    faultSeconds = clock.Elapsed.TotalSeconds;
                    await doFault(cancellationToken);
                }, cancellationToken);
            }
            await Task.WhenAll(clients.Select(async (client, i) =>
            {
                if (!connected[i]) return;
                var random = new Random(options.Seed * 7919 + i);
                await Task.Delay(options.Think * random.NextDouble(), cancellationToken);
                for (int a = 0; options.Duration is { } duration ? clock.Elapsed < duration : a < options.ActionsPerClient; a++)
                {
                    var commands = options.Commands ?? DefaultCommands;
                    var command = commands[random.Next(commands.Count)];
                    Interlocked.Increment(ref sent);
                    var (ack, done) = await client.ActAsync(command, options.PassageTimeout, cancellationToken);
                    if (ack) Interlocked.Increment(ref acknowledged);
                    if (done) Interlocked.Increment(ref complete);
                    else if (ack) Interlocked.Increment(ref lost);
                    await Task.Delay(options.Think * (1 + 0.5 * random.NextDouble()), cancellationToken);
                }
            }));
        }
        finally
        {
            clock.Stop();
        }
        await fault;
        await stopTicking.CancelAsync();
        await ticker;
        // The last, partial interval, unless it is under half an interval (too few events to say anything).
        double lastMinute = series is { Points.Count: > 0 } ? series.Points[^1].Minute : 0;
        if (series is not null && clock.Elapsed.TotalMinutes - lastMinute >= options.SeriesInterval.TotalMinutes / 2)
            await series.TickAsync(clock.Elapsed.TotalMinutes, cancellationToken);
        // Every turn the server acknowledged must be in the player's stored story, read back now.
        var missing = await Task.WhenAll(clients.Select(async c =>
        {
            try
            {
                return await c.MissingAcknowledgedTurnsAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                lock (errors) errors.Add($"read-back of a stored story failed: {ex.Message}");
                return c.AcknowledgedTurns.ToArray();
            }
        }));
        var errorTimes = clients.SelectMany(c => c.ErrorTimes).Order().ToList();
        var ack = clients.SelectMany(c => c.AckMs).ToList();
        var first = clients.SelectMany(c => c.FirstTokenMs).ToList();
        var passages = clients.SelectMany(c => c.Passages).ToList();
        errors.AddRange(clients.SelectMany(c => c.Errors));
        int disconnectsBeforeEnd = clients.Sum(c => c.Disconnects);
        foreach (var c in clients) await c.DisposeAsync();
        return new LoadTestReport(options.Clients, sent, acknowledged, complete, lost, errors.Count, disconnectsBeforeEnd,
            LoadTestReport.Percentile(ack, 50), LoadTestReport.Percentile(ack, 99), ack.Count > 0 ? ack.Max() : double.NaN,
            LoadTestReport.Percentile(first, 50), LoadTestReport.Percentile(first, 99),
            clients.Sum(c => c.Tokens), clients.Sum(c => c.Pieces), clock.Elapsed.TotalSeconds, [.. errors.Take(10)])
        {
            Passages = passages,
            AcknowledgedTurnsMissing = missing.Sum(m => m.Count),
            PassagesHung = clients.Sum(c => c.Hung),
            FrontEnds = servers.Count,
            FaultAtSeconds = faultSeconds,
            FirstErrorSeconds = errorTimes.Count > 0 ? errorTimes[0] : null,
            LastErrorSeconds = errorTimes.Count > 0 ? errorTimes[^1] : null,
            ErrorKinds = LoadTestReport.KindsOf(errors),
            Series = series?.Points ?? [],
            RoomDeliveries = deliveries?.Summarize(options.SpreadOverRooms ? 0 : clients.Count - 1),
            SlowAcks = clients.Sum(c => c.SlowAckTimes.Count),
            LastSlowAckSeconds = clients.SelectMany(c => c.SlowAckTimes).DefaultIfEmpty(double.NaN).Max() is var last && !double.IsNaN(last) ? last : null,
        };
    }
}
