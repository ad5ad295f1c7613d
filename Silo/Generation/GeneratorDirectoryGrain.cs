using Orleans.Concurrency;

namespace TextGameGen.Silo.Generation;

/// <summary>
/// The latest report of every model-serving silo (see <see cref="IGeneratorDirectoryGrain"/>). Kept in memory only: a
/// report older than <see cref="Freshness"/> is dropped, and if this grain's silo dies the next reports rebuild it.
/// </summary>
[Reentrant]
public sealed class GeneratorDirectoryGrain : Grain, IGeneratorDirectoryGrain
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(5);
    private readonly Dictionary<SiloAddress, SiloGenerators> _reports = [];

    public Task ReportAsync(SiloGenerators report)
    {
        _reports[report.Silo] = report with { ReportedUtc = DateTime.UtcNow };
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SiloGenerators>> GetAsync()
    {
        var oldest = DateTime.UtcNow - Freshness;
        foreach (var stale in _reports.Where(r => r.Value.ReportedUtc < oldest).Select(r => r.Key).ToList()) _reports.Remove(stale);
        return Task.FromResult<IReadOnlyList<SiloGenerators>>([.. _reports.Values]);
    }
}
