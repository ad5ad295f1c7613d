using Orleans.Runtime;

namespace TextGameGen.Silo.Generation;

/// <summary>
/// Chooses the silo a passage is written on. This silo when it serves the generator and has a free batch row (no
/// remote call at all: the single-process game never leaves this path); otherwise the serving silos by free rows,
/// most first, from the directory's reports (read at most once a second), counting the leases handed out since the
/// last read so that a burst spreads over the silos instead of all going to the one that looked emptiest; this silo,
/// if it serves the generator, before silos with no free row either. Silos that membership no longer lists as active
/// are left out, and so is a silo a call to which failed, until it reports again after the failure (a crashed silo
/// stays "active" in membership until the others have voted it dead, several seconds later).
/// </summary>
public sealed class GeneratorRouter(GeneratorCatalog catalog, ILocalSiloDetails local, IClusterMembershipService membership, IGrainFactory grains)
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);
    private readonly Lock _gate = new();
    private readonly Dictionary<SiloAddress, int> _handedOut = [];
    private readonly Dictionary<SiloAddress, DateTime> _failedUtc = [];
    private IReadOnlyList<SiloGenerators> _reports = [];
    private DateTime _readUtc = DateTime.MinValue;

    public SiloAddress Local => local.SiloAddress;

    /// <summary>The silos to try, best first; empty when no silo serves the generator.</summary>
    public async Task<IReadOnlyList<SiloAddress>> PlanAsync(string generator)
    {
        var here = catalog.Find(generator);
        if (here is not null && LocalGeneration.FreeRows(here) > 0) return [Local];
        var remote = await RemoteLoadsAsync(generator);
        var plan = new List<SiloAddress>();
        plan.AddRange(remote.Where(r => r.Free > 0).Select(r => r.Silo));
        if (here is not null) plan.Add(Local);
        plan.AddRange(remote.Where(r => r.Free <= 0).Select(r => r.Silo));
        return plan;
    }

    /// <summary>Counts a lease handed out on <paramref name="silo"/> until the next read of the reports.</summary>
    public void NoteLease(SiloAddress silo)
    {
        lock (_gate) _handedOut[silo] = _handedOut.GetValueOrDefault(silo) + 1;
    }

    /// <summary>Leaves a silo out until it reports again after now (a call to it failed).</summary>
    public void Forget(SiloAddress silo)
    {
        lock (_gate)
        {
            _failedUtc[silo] = DateTime.UtcNow;
            _reports = [.. _reports.Where(r => r.Silo != silo)];
        }
    }

    /// <summary>Every generator any active silo serves, with its version (this silo's own first).</summary>
    public async Task<IReadOnlyDictionary<string, string>> AllGeneratorsAsync()
    {
        var all = catalog.All.ToDictionary(g => g.Name, g => g.Version, StringComparer.OrdinalIgnoreCase);
        foreach (var report in await ActiveReportsAsync())
            foreach (var g in report.Generators) all.TryAdd(g.Name, g.Version);
        return all;
    }

    private async Task<List<(SiloAddress Silo, int Free)>> RemoteLoadsAsync(string generator)
    {
        var reports = await ActiveReportsAsync();
        bool any = string.Equals(generator, Grains.GeneratorLease.DefaultGenerator, StringComparison.OrdinalIgnoreCase);
        lock (_gate)
        {
            return [.. reports.Where(r => r.Silo != Local)
                .Select(r => (r.Silo, Load: r.Generators.FirstOrDefault(g => any || string.Equals(g.Name, generator, StringComparison.OrdinalIgnoreCase))))
                .Where(r => r.Load is not null)
                .Select(r => (r.Silo, Free: r.Load!.FreeRows - r.Load.Queued - _handedOut.GetValueOrDefault(r.Silo)))
                .OrderByDescending(r => r.Free)];
        }
    }

    private async Task<IReadOnlyList<SiloGenerators>> ActiveReportsAsync()
    {
        bool stale;
        lock (_gate) stale = DateTime.UtcNow - _readUtc > RefreshInterval;
        if (stale)
        {
            try
            {
                var reports = await grains.GetGrain<IGeneratorDirectoryGrain>(0).GetAsync();
                lock (_gate)
                {
                    foreach (var r in reports)
                        if (_failedUtc.TryGetValue(r.Silo, out var failed) && r.ReportedUtc > failed) _failedUtc.Remove(r.Silo);
                    _reports = [.. reports.Where(r => !_failedUtc.ContainsKey(r.Silo))];
                    _handedOut.Clear();
                    _readUtc = DateTime.UtcNow;
                }
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                // The directory's silo just died: keep the last reports; it is rebuilt within a second.
                lock (_gate) _readUtc = DateTime.UtcNow;
            }
        }
        var snapshot = membership.CurrentSnapshot;
        lock (_gate)
        {
            foreach (var gone in _failedUtc.Keys.Where(s => snapshot.GetSiloStatus(s) == SiloStatus.Dead).ToList()) _failedUtc.Remove(gone);
            return [.. _reports.Where(r => snapshot.GetSiloStatus(r.Silo) == SiloStatus.Active)];
        }
    }
}
