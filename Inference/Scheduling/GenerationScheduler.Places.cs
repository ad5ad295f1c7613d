using System.Diagnostics;

namespace TextGameGen.Inference.Scheduling;

/// <summary>Places in line: every waiting request with a submitter is told where it stands and about how long it will wait.</summary>
public sealed partial class GenerationScheduler
{
    /// <summary>
    /// Each waiting request with a submitter is told its place (1: next) and the estimated wait when it joins the line,
    /// and again when its place changed, at most once per <see cref="SchedulerOptions.PlacesInterval"/>.
    /// </summary>
    private void ReportPlacesInLine()
    {
        long now = Stopwatch.GetTimestamp();
        long interval = (long)(_options.PlacesInterval.TotalSeconds * Stopwatch.Frequency);
        lock (_gate)
        {
            // The line is ranked when someone joined it, or once per interval (places move as requests are admitted).
            if (_waiting.Count == 0 || (!_lineJoined && now - _placesRankedAt < interval)) return;
            _lineJoined = false;
            _placesRankedAt = now;
            double? perSecond = null;
            var line = _waiting.InOrder();
            for (int i = 0; i < line.Count; i++)
            {
                var r = line[i];
                int place = i + 1;
                if (r.Submitter is null || r.ToldPlace == place || (r.ToldPlace != 0 && now - r.ToldAt < interval)) continue;
                perSecond ??= _admissions.PerSecond ?? 0;
                r.TellPlace(place, perSecond > 0 ? place / perSecond.Value : null);
            }
        }
    }
}

/// <summary>How fast waiting requests are admitted (over the last 64 admissions): the basis of the estimated wait.</summary>
internal sealed class AdmissionRate
{
    private const int Window = 64;
    private readonly long[] _times = new long[Window];
    private int _count;
    private int _next;

    public void Admitted()
    {
        lock (_times)
        {
            _times[_next] = Stopwatch.GetTimestamp();
            _next = (_next + 1) % Window;
            _count = Math.Min(_count + 1, Window);
        }
    }

    /// <summary>Admissions per second over the window, counting the time since the last one; null before two.</summary>
    public double? PerSecond
    {
        get
        {
            lock (_times)
            {
                if (_count < 2) return null;
                long oldest = _times[(_next - _count + Window) % Window];
                double seconds = (double)(Stopwatch.GetTimestamp() - oldest) / Stopwatch.Frequency;
                return seconds > 0 ? (_count - 1) / seconds : null;
            }
        }
    }
}
