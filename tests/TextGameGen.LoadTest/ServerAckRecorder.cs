using System.Diagnostics.Metrics;
using System.Globalization;
using TextGameGen.WebFront.Hubs;

namespace TextGameGen.LoadTest;

/// <summary>Reads the server's own acknowledgement-time histogram when the server runs in this process.</summary>
public sealed class ServerAckRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<double> _values = [];

    public ServerAckRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == GameMetrics.MeterName && instrument.Name == GameMetrics.AckDurationName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (_values) _values.Add(value);
        });
        _listener.Start();
    }

    public void Reset()
    {
        lock (_values) _values.Clear();
    }

    public string Summary()
    {
        lock (_values)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"acknowledgement ms inside the server (hub to stored turn): p50 {LoadTestReport.Percentile(_values, 50):F2}, p99 {LoadTestReport.Percentile(_values, 99):F2}, max {(_values.Count > 0 ? _values.Max() : double.NaN):F2} ({_values.Count} acks)");
        }
    }

    public void Dispose() => _listener.Dispose();
}
