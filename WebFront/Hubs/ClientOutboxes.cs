using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using TextGameGen.Grains.Game;
using TextGameGen.WebFront.Hosting;

namespace TextGameGen.WebFront.Hubs;

/// <summary>
/// Every message this front end pushes to a browser goes through the connection's outbox: a queue of at most
/// <see cref="HostingOptions.ClientQueueLimit"/> messages, sent one after another by a loop of its own, so no grain call
/// and no other player waits on a slow browser. A browser that lets its outbox fill (it stopped reading, or reads
/// slower than the game writes) is disconnected, and the reason is kept for <see cref="NoticeTtl"/> to be told when
/// the player joins again (everything stored is in the view then). A message for many players is serialized once.
/// </summary>
public sealed partial class ClientOutboxes(IOptions<HostingOptions> options, GameMetrics metrics, ILogger<ClientOutboxes> logger)
{
    public static readonly TimeSpan NoticeTtl = TimeSpan.FromHours(1);
    private const int MaxNotices = 10_000;

    private readonly ConcurrentDictionary<string, Outbox> _byConnection = new(StringComparer.Ordinal);
    // A user's outboxes as an array replaced on each change, under _membership (connections come and go rarely;
    // messages are many and walk the array without a lock or an allocation).
    private readonly ConcurrentDictionary<string, Outbox[]> _byUser = new(StringComparer.Ordinal);
    private readonly Lock _membership = new();
    private readonly ConcurrentDictionary<string, (string Text, DateTime At)> _notices = new(StringComparer.Ordinal);
    private int _queued;
    private int _peakQueued;

    private int Limit => options.Value.ClientQueueLimit;

    /// <summary>Messages waiting in all outboxes now, and the most there have been (tests and the server tab).</summary>
    public int Queued => Volatile.Read(ref _queued);
    public int PeakQueued => Volatile.Read(ref _peakQueued);

    public void Open(HubConnectionContext connection)
    {
        var outbox = new Outbox(connection, Channel.CreateBounded<SerializedHubMessage>(new BoundedChannelOptions(Limit) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait }));
        _byConnection[connection.ConnectionId] = outbox;
        if (connection.UserIdentifier is { } user)
            lock (_membership) _byUser[user] = _byUser.TryGetValue(user, out var all) ? [.. all, outbox] : [outbox];
        // The loop waits without a token (a wait with a cancellable token allocates a waiter each time, one per message
        // sent); a closing connection ends it instead.
        outbox.ClosesWithConnection = connection.ConnectionAborted.Register(static o => ((Outbox)o!).Messages.Writer.TryComplete(), outbox);
        outbox.Loop = SendLoopAsync(outbox);
    }

    public void Close(HubConnectionContext connection)
    {
        if (!_byConnection.TryRemove(connection.ConnectionId, out var outbox)) return;
        if (connection.UserIdentifier is { } user)
            lock (_membership)
                if (_byUser.TryGetValue(user, out var all))
                {
                    Outbox[] rest = [.. all.Where(o => o != outbox)];
                    if (rest.Length == 0) _byUser.TryRemove(user, out _);
                    else _byUser[user] = rest;
                }
        outbox.Messages.Writer.TryComplete();
        outbox.ClosesWithConnection.Dispose();
    }

    /// <summary>Queues a player event for every connection of the player on this front end.</summary>
    public void Send(string userId, PlayerEvent e)
    {
        SerializedHubMessage? message = null;
        SendTo(userId, e, ref message);
    }

    /// <summary>Queues one event for every connection of each of <paramref name="userIds"/> but those in <paramref name="except"/> (serialized once).</summary>
    public void Send(HashSet<string> userIds, PlayerEvent e, List<string>? except = null)
    {
        SerializedHubMessage? message = null;
        foreach (var user in userIds)
            if (except is null || !except.Contains(user)) SendTo(user, e, ref message);
    }

    private void SendTo(string user, PlayerEvent e, ref SerializedHubMessage? message)
    {
        if (!_byUser.TryGetValue(user, out var all)) return;
        foreach (var outbox in all)
        {
            message ??= new SerializedHubMessage(new InvocationMessage(PlayerEventRelay.ClientMethod, [e]));
            if (outbox.Messages.Writer.TryWrite(message))
            {
                int now = Interlocked.Increment(ref _queued);
                if (now > Volatile.Read(ref _peakQueued)) Interlocked.Exchange(ref _peakQueued, now);
            }
            else if (!outbox.Messages.Reader.Completion.IsCompleted)
            {
                Drop(outbox, $"your browser fell {Limit} messages behind the game, so the server closed its connection");
            }
        }
    }

    /// <summary>Why this player's last connection was closed by the server, once (null: it was not).</summary>
    public string? TakeNotice(string userId) => _notices.TryRemove(userId, out var n) && DateTime.UtcNow - n.At < NoticeTtl ? n.Text : null;

    private void Drop(Outbox outbox, string why)
    {
        if (!outbox.Messages.Writer.TryComplete()) return;
        var user = outbox.Connection.UserIdentifier ?? "";
        if (_notices.Count >= MaxNotices)
            foreach (var old in _notices.Where(n => DateTime.UtcNow - n.Value.At > NoticeTtl).Select(n => n.Key).ToList()) _notices.TryRemove(old, out _);
        if (_notices.Count < MaxNotices) _notices[user] = (why, DateTime.UtcNow);
        metrics.ClientDropped();
        LogDropped(logger, user, outbox.Connection.ConnectionId, Limit);
        outbox.Connection.Abort();
    }

    private async Task SendLoopAsync(Outbox outbox)
    {
        var reader = outbox.Messages.Reader;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out var message))
                {
                    Interlocked.Decrement(ref _queued);
                    metrics.MessageSent();
                    await outbox.Connection.WriteAsync(message, outbox.Connection.ConnectionAborted);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The connection closed: what is still queued is dropped (the page fetches the view when it joins again).
        }
        while (reader.TryRead(out _)) Interlocked.Decrement(ref _queued);
    }

    private sealed class Outbox(HubConnectionContext connection, Channel<SerializedHubMessage> messages)
    {
        public HubConnectionContext Connection { get; } = connection;
        public Channel<SerializedHubMessage> Messages { get; } = messages;
        public Task Loop { get; set; } = Task.CompletedTask;
        public CancellationTokenRegistration ClosesWithConnection { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Player {Player}: connection {Connection} closed, {Limit} messages waiting for the browser")]
    private static partial void LogDropped(ILogger logger, string player, string connection, int limit);
}
