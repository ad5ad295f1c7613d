using System.Collections.Concurrent;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Grains;
using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Silo.Generation;

/// <summary>A generator as loaded on this silo: its name, model version and scheduler.</summary>
public sealed record LoadedGenerator(string Name, string Version, GenerationScheduler Scheduler);

/// <summary>
/// The generators loaded on this silo, by name (for example "fantasy", "wonderland"), and the leases held on them.
/// Replacing one is atomic: new leases get the new version; a replaced version stays usable for the leases already
/// taken on it until they are used or expire, and is unloaded (by <see cref="GeneratorHost"/>) once they are.
/// </summary>
public sealed class GeneratorCatalog
{
    /// <summary>A lease not used within this time is abandoned.</summary>
    public static readonly TimeSpan LeaseLifetime = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, LoadedGenerator> _generators = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (string? Active, IReadOnlyDictionary<string, SamplerSettings> All)> _presets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<Guid, (LoadedGenerator Generator, DateTime ExpiresUtc)> _leases = new();
    private readonly Lock _gate = new();

    /// <summary>Sets (or, with null, clears) the sampler preset new passages of a generator use.</summary>
    public void SetPreset(string generator, string? version, SamplerSettings? sampler)
    {
        if (version is null || sampler is null) SetPresets(generator, null, new Dictionary<string, SamplerSettings>());
        else SetPresets(generator, version, new Dictionary<string, SamplerSettings> { [version] = sampler });
    }

    /// <summary>Sets every stored preset of a generator and which one is active (null: none).</summary>
    public void SetPresets(string generator, string? active, IReadOnlyDictionary<string, SamplerSettings> all)
    {
        lock (_gate) _presets[generator] = (active, all);
    }

    /// <summary>Installs a generator; returns the one it replaces, which the caller drains and disposes.</summary>
    public LoadedGenerator? Set(string generator, GenerationScheduler scheduler, string version = "")
    {
        lock (_gate)
        {
            _generators.TryGetValue(generator, out var previous);
            _generators[generator] = new LoadedGenerator(generator, version, scheduler);
            return previous;
        }
    }

    /// <summary>Finds a generator; "default", when nothing is loaded under that name, means the first by name.</summary>
    public LoadedGenerator? Find(string generator)
    {
        lock (_gate)
        {
            if (_generators.TryGetValue(generator, out var loaded)) return loaded;
            if (!string.Equals(generator, GeneratorLease.DefaultGenerator, StringComparison.OrdinalIgnoreCase) || _generators.Count == 0) return null;
            return _generators.OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase).First().Value;
        }
    }

    /// <summary>
    /// Holds the current version of a generator for one generation, with the sampler preset asked for (unknown or
    /// null: the active one); null when no generator is loaded under that name. When the generator's line is full the
    /// lease says so (<see cref="GeneratorLease.QueueFull"/>), holds nothing, and counts as a "busy" answer: the
    /// caller answers busy without building a prompt the scheduler would refuse.
    /// </summary>
    public GeneratorLease? Lease(string generator, string? samplerPreset = null)
    {
        if (Find(generator) is not { } loaded) return null;
        string? version = null;
        SamplerSettings? sampler = null;
        lock (_gate)
        {
            if (_presets.TryGetValue(loaded.Name, out var presets))
            {
                version = samplerPreset is not null && presets.All.ContainsKey(samplerPreset) ? samplerPreset : presets.Active;
                sampler = version is null ? null : presets.All.GetValueOrDefault(version);
            }
        }
        var lease = new GeneratorLease(Guid.NewGuid(), loaded.Name, loaded.Version, loaded.Scheduler.Options.ContextLength, sampler, sampler is null ? null : version);
        if (loaded.Scheduler.RefuseIfFull()) return lease with { QueueFull = true };
        _leases[lease.Id] = (loaded, DateTime.UtcNow + LeaseLifetime);
        return lease;
    }

    /// <summary>Ends a lease and returns the generator it held, or null when the lease is unknown or expired.</summary>
    public LoadedGenerator? Redeem(GeneratorLease lease) =>
        _leases.TryRemove(lease.Id, out var held) && held.ExpiresUtc > DateTime.UtcNow ? held.Generator : null;

    /// <summary>Leases still open on a generator version (expired ones are forgotten here).</summary>
    public int OpenLeases(LoadedGenerator generator)
    {
        var now = DateTime.UtcNow;
        int open = 0;
        foreach (var (id, held) in _leases)
        {
            if (held.ExpiresUtc <= now) _leases.TryRemove(id, out _);
            else if (ReferenceEquals(held.Generator, generator)) open++;
        }
        return open;
    }

    public IReadOnlyCollection<string> Names
    {
        get { lock (_gate) return [.. _generators.Keys]; }
    }

    public IReadOnlyCollection<LoadedGenerator> All
    {
        get { lock (_gate) return [.. _generators.Values]; }
    }
}
