using System.Diagnostics.Metrics;

namespace TextGameGen.WebFront.Hubs;

/// <summary>
/// The front end's metrics (meter <c>TextGameGen.WebFront</c>): how long an acknowledgement takes inside the server
/// (hub entry to stored turn), connections, and refused calls.
/// </summary>
public sealed class GameMetrics : IDisposable
{
    public const string MeterName = "TextGameGen.WebFront";
    public const string AckDurationName = "tgg.turn.ack.duration";

    private readonly Meter _meter;
    private int _connections;

    public GameMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        AckDuration = _meter.CreateHistogram<double>(AckDurationName, "ms", "Server time from a command reaching the hub to its stored acknowledgement");
        Refused = _meter.CreateCounter<long>("tgg.hub.refused", "{call}", "Hub calls refused: rate limit, size, bad input");
        _meter.CreateObservableGauge("tgg.hub.connections", () => Volatile.Read(ref _connections), "{connection}", "Open SignalR connections");
    }

    public Histogram<double> AckDuration { get; }
    public Counter<long> Refused { get; }

    public void Connected() => Interlocked.Increment(ref _connections);
    public void Disconnected() => Interlocked.Decrement(ref _connections);

    public void Dispose() => _meter.Dispose();
}
