using Microsoft.AspNetCore.SignalR;
using TextGameGen.Grains.Game;

namespace TextGameGen.WebFront.Hubs;

/// <summary>
/// This front end's observer of the players connected to it: subscribes to a player's grain while the player has a
/// connection here, and queues each event for that player's browsers (every connection of the user, through its
/// <see cref="ClientOutboxes">outbox</see>) in order; rooms' notes go to <see cref="RoomMembers"/>.
/// Subscriptions are renewed every 15 seconds (a grain forgets observers it has not heard from, and a grain that moved
/// to another silo after a failure has none), and with every turn the player sends.
/// </summary>
public sealed partial class PlayerEventRelay(IGrainFactory grains, ClientOutboxes outboxes, RoomMembers rooms, ILogger<PlayerEventRelay> logger)
    : IPlayerObserver, IHostedService
{
    public const string ClientMethod = "event";
    private static readonly TimeSpan Renewal = TimeSpan.FromSeconds(15);
    private readonly Dictionary<string, HashSet<string>> _connections = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private Lazy<IPlayerObserver>? _self;
    private CancellationTokenSource? _stop;
    private Task? _renewals;

    /// <summary>Made once (many first connections race for it: two references would deliver every event twice).</summary>
    private IPlayerObserver Self => LazyInitializer.EnsureInitialized(ref _self, () => new Lazy<IPlayerObserver>(() => grains.CreateObjectReference<IPlayerObserver>(this))).Value;

    /// <summary>This front end's observer reference, passed with every turn so a player grain that moved re-subscribes it.</summary>
    public IPlayerObserver Observer => Self;

    public async Task ConnectAsync(string playerId, string connectionId)
    {
        lock (_gate)
        {
            if (!_connections.TryGetValue(playerId, out var set)) _connections[playerId] = set = [];
            set.Add(connectionId);
        }
        await grains.GetGrain<IPlayerGrain>(playerId).SubscribeAsync(Self);
    }

    public async Task DisconnectAsync(string playerId, string connectionId)
    {
        bool last;
        lock (_gate)
        {
            last = _connections.TryGetValue(playerId, out var set) && set.Remove(connectionId) && set.Count == 0;
            if (last) _connections.Remove(playerId);
        }
        if (!last) return;
        var player = grains.GetGrain<IPlayerGrain>(playerId);
        await player.UnsubscribeAsync(Self);
        await player.GoOfflineAsync();
    }

    public Task OnEventAsync(PlayerEvent e)
    {
        outboxes.Send(e.PlayerId, e);
        return Task.CompletedTask;
    }

    public Task OnRoomAsync(string roomKey, IReadOnlyList<RoomNote> notes)
    {
        rooms.Apply(roomKey, notes);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stop = new CancellationTokenSource();
        _renewals = RenewAsync(_stop.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stop is null) return;
        await _stop.CancelAsync();
        await (_renewals ?? Task.CompletedTask).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_self is { IsValueCreated: true }) grains.DeleteObjectReference<IPlayerObserver>(_self.Value);
    }

    private async Task RenewAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Renewal);
        while (await TickAsync(timer, stop))
        {
            string[] players;
            lock (_gate) players = [.. _connections.Keys];
            foreach (var id in players)
            {
                try
                {
                    await grains.GetGrain<IPlayerGrain>(id).SubscribeAsync(Self);
                }
                catch (Exception ex)
                {
                    LogRenewFailed(logger, id, ex.Message);
                }
            }
        }
    }

    private static async Task<bool> TickAsync(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the subscription to player {Player}: {Message}")]
    private static partial void LogRenewFailed(ILogger logger, string player, string message);
}
