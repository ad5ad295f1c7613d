namespace TextGameGen.Grains.Game.Players;

/// <summary>
/// Delivers a player's events to the front ends subscribed to the player, in order, and loses none on the way: an
/// event raised while no front end listens (a new activation after a silo died, made by some other call), or one no
/// front end could take (tried twice, a short pause apart, unless it timed out), is kept for the next front end
/// that subscribes (each front end renews its subscriptions every few seconds). Pieces of passages are not kept: a
/// passage's end carries its whole text. A front end not heard from for <see cref="Expiry"/> is dropped.
/// Runs on the grain's scheduler (the sends go through an <see cref="OrderedSender"/> started by the activation).
/// </summary>
public sealed class FrontEndDelivery(OrderedSender sender)
{
    public const int KeptCapacity = 64;
    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(500);

    private readonly Dictionary<IPlayerObserver, DateTime> _listeners = [];
    private readonly Queue<PlayerEvent> _kept = new();

    public int Count => _listeners.Count;

    public IReadOnlyList<IPlayerObserver> Observers => [.. _listeners.Keys];

    /// <summary>
    /// Adds or renews a front end (true: it is new); the first one after a quiet spell gets the events kept meanwhile,
    /// first.
    /// </summary>
    public bool Listen(IPlayerObserver observer)
    {
        bool added = !_listeners.ContainsKey(observer);
        _listeners[observer] = DateTime.UtcNow;
        if (_kept.Count == 0) return added; // the usual case: a renewal, or a turn from a front end already listening
        sender.Enqueue(async () =>
        {
            while (_kept.Count > 0 && _listeners.Count > 0) await DeliverAsync(_kept.Dequeue(), keepOnFailure: false);
        });
        return added;
    }

    public void Stop(IPlayerObserver observer) => _listeners.Remove(observer);

    /// <summary>Queues an event for every front end listening when its turn to be sent comes.</summary>
    public void Send(PlayerEvent e) => sender.Enqueue(() => DeliverAsync(e, keepOnFailure: true));

    private async Task DeliverAsync(PlayerEvent e, bool keepOnFailure)
    {
        var now = DateTime.UtcNow;
        foreach (var expired in _listeners.Where(l => now - l.Value > Expiry).Select(l => l.Key).ToList()) _listeners.Remove(expired);
        // All front ends at once: one that is gone (answering nothing until the call times out) delays the others once.
        var observers = _listeners.Keys.ToList();
        var results = await Task.WhenAll(observers.Select(o => DeliverToAsync(o, e)));
        for (int i = 0; i < observers.Count; i++)
            if (!results[i]) _listeners.Remove(observers[i]);
        if (!results.Contains(true) && (keepOnFailure || _listeners.Count == 0)) Keep(e);
    }

    /// <summary>
    /// Sends one event; a call that failed at once (its route, e.g. a gateway silo, went away) is tried once more after
    /// a short pause, one that timed out is not (the front end is gone).
    /// </summary>
    private static async Task<bool> DeliverToAsync(IPlayerObserver observer, PlayerEvent e)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await observer.OnEventAsync(e);
                return true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (attempt == 2 || ex is TimeoutException) return false;
            }
            await Task.Delay(RetryPause);
        }
    }

    private void Keep(PlayerEvent e)
    {
        if (e.Kind == PlayerEventKind.PassageDelta) return;
        if (_kept.Count == KeptCapacity) _kept.Dequeue();
        _kept.Enqueue(e);
    }
}
