using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using TextGameGen.Grains.Game;
using TextGameGen.WebFront.Hubs;

namespace TextGameGen.LoadTest;

/// <summary>
/// One simulated player over a real SignalR connection: signs in (cookie), joins, and acts; records how long each
/// acknowledgement took, when the first piece of each passage arrived, and whether each passage completed.
/// </summary>
public sealed class LoadClient(Uri server, string name, string? world = null, Stopwatch? runClock = null) : IAsyncDisposable
{
    private readonly CookieContainer _cookies = new();
    private readonly Stopwatch _runClock = runClock ?? Stopwatch.StartNew();
    private readonly ConcurrentDictionary<string, TurnWatch> _turns = new();
    private HubConnection? _hub;

    public List<double> AckMs { get; } = [];
    /// <summary>Acknowledgements that took over a second: when each arrived (seconds on the run's clock).</summary>
    public List<double> SlowAckTimes { get; } = [];
    public List<double> FirstTokenMs { get; } = [];
    /// <summary>Messages that carried pieces of passages.</summary>
    public long Pieces;
    /// <summary>Tokens of the passages that completed.</summary>
    public long Tokens;
    public int Disconnects;
    /// <summary>Acknowledged passages that never ended (no end within the passage timeout).</summary>
    public int Hung;
    public List<string> Errors { get; } = [];
    /// <summary>When each error happened, in seconds on the run's clock.</summary>
    public List<double> ErrorTimes { get; } = [];
    /// <summary>The ids of the turns the server acknowledged as accepted.</summary>
    public List<string> AcknowledgedTurns { get; } = [];
    /// <summary>Where marked room actions are recorded (sent by this player, seen by it); null: not measured.</summary>
    public RoomDeliveries? Deliveries { get; set; }
    /// <summary>A soak's per-interval series this player's events also go to (null: none).</summary>
    public SoakSeries? Series { get; set; }
    public bool IsConnected => _hub?.State == HubConnectionState.Connected;
    /// <summary>The front end this player talks to.</summary>
    public Uri Server => server;
    /// <summary>The model's passages that completed, as the player received them.</summary>
    public List<ReceivedPassage> Passages { get; } = [];

    private sealed class TurnWatch
    {
        public readonly Stopwatch Clock = Stopwatch.StartNew();
        public double? FirstPieceMs;
        public readonly TaskCompletionSource<StoryTurn> Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Forgets what was measured so far (after a warm-up).</summary>
    public void ResetMeasurements()
    {
        lock (AckMs)
        {
            AckMs.Clear();
            SlowAckTimes.Clear();
        }
        lock (FirstTokenMs) FirstTokenMs.Clear();
        lock (Errors)
        {
            Errors.Clear();
            ErrorTimes.Clear();
        }
        lock (Passages) Passages.Clear();
        Interlocked.Exchange(ref Pieces, 0);
        Interlocked.Exchange(ref Tokens, 0);
    }

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = _cookies }) { BaseAddress = server };
        var signIn = await http.PostAsJsonAsync("/api/signin", new { name }, cancellationToken);
        signIn.EnsureSuccessStatusCode();
        _hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server, "/hub"), o => o.Cookies = _cookies)
            .AddJsonProtocol(o => HubJson.Configure(o.PayloadSerializerOptions))
            .Build();
        _hub.On<PlayerEvent>("event", OnEvent);
        _hub.Closed += _ =>
        {
            Interlocked.Increment(ref Disconnects);
            return Task.CompletedTask;
        };
        await _hub.StartAsync(cancellationToken);
        if (world is null) await _hub.InvokeAsync<PlayerView>("Join", cancellationToken);
        else await _hub.InvokeAsync<PlayerView>("JoinWorld", world, cancellationToken);
    }

    /// <summary>Sends one action, waits for its acknowledgement and then for its passage; false when either failed.</summary>
    public async Task<(bool Acknowledged, bool Complete)> ActAsync(string command, TimeSpan passageTimeout, CancellationToken cancellationToken)
    {
        var turnId = "t-" + Guid.NewGuid().ToString("N");
        if (Deliveries is not null) command = Deliveries.Mark(command);
        var watch = _turns.GetOrAdd(turnId, _ => new TurnWatch());
        TurnAck ack;
        try
        {
            ack = await _hub!.InvokeAsync<TurnAck>("Act", turnId, command, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Error($"{name} act: {ex.Message}");
            return (false, false);
        }
        lock (AckMs)
        {
            AckMs.Add(watch.Clock.Elapsed.TotalMilliseconds);
            Series?.Ack(watch.Clock.Elapsed.TotalMilliseconds);
            if (watch.Clock.Elapsed > TimeSpan.FromSeconds(1)) SlowAckTimes.Add(_runClock.Elapsed.TotalSeconds);
        }
        if (!ack.Accepted)
        {
            Error($"{name} refused: {ack.Error}");
            return (false, false);
        }
        lock (AcknowledgedTurns) AcknowledgedTurns.Add(turnId);
        if (ack.Turn is { HasPassage: false })
        {
            _turns.TryRemove(turnId, out _);
            return (true, true); // answered by the game itself (look, inventory...)
        }
        try
        {
            var turn = await watch.Done.Task.WaitAsync(passageTimeout, cancellationToken);
            if (watch.FirstPieceMs is { } first)
            {
                lock (FirstTokenMs) FirstTokenMs.Add(first);
                Series?.FirstToken(first);
            }
            if (turn.Status == PassageStatus.Complete) Series?.Completed();
            else if (turn.Error?.Contains("busy", StringComparison.OrdinalIgnoreCase) == true) Series?.Busy();
            else Series?.Failed();
            if (turn.Status != PassageStatus.Complete)
            {
                Error($"{name} passage {turn.Status}: {turn.Error}");
                return (true, false);
            }
            return (true, true);
        }
        catch (TimeoutException)
        {
            Interlocked.Increment(ref Hung);
            Error($"{name} passage not complete after {passageTimeout.TotalSeconds:F0} s");
            return (true, false);
        }
        finally
        {
            _turns.TryRemove(turnId, out _);
        }
    }

    /// <summary>The acknowledged turns that the player's stored story does not hold (read back through the server).</summary>
    public async Task<IReadOnlyList<string>> MissingAcknowledgedTurnsAsync(CancellationToken cancellationToken)
    {
        var view = await _hub!.InvokeAsync<PlayerView>("View", cancellationToken);
        var stored = view.Story.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        // Older turns are in the server's turn log: paged back through "earlier story", a page at a time (the hub allows 5 calls a second).
        for (int before = view.EarlierBefore; before > 1;)
        {
            var page = await _hub!.InvokeAsync<EarlierStory>("Earlier", before, cancellationToken);
            stored.UnionWith(page.Turns.Select(t => t.Id));
            before = page.HasMore ? page.NextBefore : 0;
            await Task.Delay(250, cancellationToken);
        }
        lock (AcknowledgedTurns) return [.. AcknowledgedTurns.Where(id => !stored.Contains(id))];
    }

    private void Error(string message)
    {
        Series?.Error();
        lock (Errors)
        {
            Errors.Add(message);
            ErrorTimes.Add(_runClock.Elapsed.TotalSeconds);
        }
    }

    private void OnEvent(PlayerEvent e)
    {
        if (e.Kind == PlayerEventKind.Room && Deliveries is { } deliveries)
            foreach (var line in e.Activities ?? []) deliveries.Received(line.Text);
        if (e.TurnId is null || !_turns.TryGetValue(e.TurnId, out var watch)) return;
        switch (e.Kind)
        {
            case PlayerEventKind.PassageDelta:
                watch.FirstPieceMs ??= watch.Clock.Elapsed.TotalMilliseconds;
                Interlocked.Increment(ref Pieces);
                break;
            case PlayerEventKind.PassageEnd:
                Interlocked.Add(ref Tokens, e.Turn!.TokenCount);
                if (e.Turn.Status == PassageStatus.Complete && e.Turn.HasPassage)
                    lock (Passages) Passages.Add(new ReceivedPassage(e.Turn.Text, e.Turn.Generator ?? "", e.Turn.ModelVersion ?? ""));
                watch.Done.TrySetResult(e.Turn!);
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_hub is not null) await _hub.DisposeAsync();
    }
}

/// <summary>A passage a simulated player received: its text and the generator and version that wrote it.</summary>
public sealed record ReceivedPassage(string Text, string Generator, string ModelVersion);
