using System.Diagnostics.Metrics;

namespace TextGameGen.WebFront.Hubs;

/// <summary>
/// The front end's metrics (meter <c>TextGameGen.WebFront</c>): how long an acknowledgement takes inside the server
/// (hub entry to stored turn), connections, and refused calls. Acknowledgement times also go to <see cref="AckTimes"/>,
/// which the GM-only <c>/api/admin/acks</c> reads.
/// </summary>
public sealed class GameMetrics : IDisposable
{
    public const string MeterName = "TextGameGen.WebFront";
    public const string AckDurationName = "tgg.turn.ack.duration";

    private readonly Meter _meter;
    private readonly Histogram<double> _ackDuration;
    private readonly AckTimes _ackTimes;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _messages;
    private int _connections;

    public GameMetrics(IMeterFactory meters, AckTimes ackTimes)
    {
        _ackTimes = ackTimes;
        _meter = meters.Create(MeterName);
        _ackDuration = _meter.CreateHistogram<double>(AckDurationName, "ms", "Server time from a command reaching the hub to its stored acknowledgement");
        Refused = _meter.CreateCounter<long>("tgg.hub.refused", "{call}", "Hub calls refused: rate limit, size, bad input");
        _meter.CreateObservableGauge("tgg.hub.connections", () => Volatile.Read(ref _connections), "{connection}", "Open SignalR connections");
        _dropped = _meter.CreateCounter<long>("tgg.hub.clients.dropped", "{connection}", "Connections closed because the browser fell too far behind");
        _messages = _meter.CreateCounter<long>("tgg.hub.messages.sent", "{message}", "Messages sent to browsers (events: passages streaming, room lines, notices)");
    }

    public Counter<long> Refused { get; }

    /// <summary>One acknowledgement's server time.</summary>
    public void RecordAck(double milliseconds, bool accepted)
    {
        _ackDuration.Record(milliseconds, new KeyValuePair<string, object?>("accepted", accepted));
        _ackTimes.Record(milliseconds);
    }

    /// <summary>Open SignalR connections to this front end.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public void Connected() => Interlocked.Increment(ref _connections);
    public void ClientDropped() => _dropped.Add(1);
    public void Disconnected() => Interlocked.Decrement(ref _connections);

    /// <summary>One message sent to a browser.</summary>
    public void MessageSent() => _messages.Add(1);

    public void Dispose() => _meter.Dispose();
}
