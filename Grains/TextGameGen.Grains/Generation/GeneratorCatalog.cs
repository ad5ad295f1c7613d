using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Grains.Generation;

/// <summary>A generator as loaded on this silo: its name, model version and scheduler.</summary>
public sealed record LoadedGenerator(string Name, string Version, GenerationScheduler Scheduler);

/// <summary>
/// The generators loaded on this silo, by name (for example "fantasy", "wonderland"). Replacing one is atomic:
/// requests that already hold the old scheduler finish there, new requests get the new one.
/// </summary>
public sealed class GeneratorCatalog
{
    private readonly Dictionary<string, LoadedGenerator> _generators = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (string Version, StorySampler Sampler)> _presets = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _gate = new();

    /// <summary>Sets (or, with null, clears) the sampler preset new passages of a generator use.</summary>
    public void SetPreset(string generator, string? version, StorySampler? sampler)
    {
        lock (_gate)
        {
            if (version is null || sampler is null) _presets.Remove(generator);
            else _presets[generator] = (version, sampler);
        }
    }

    /// <summary>The active sampler preset of a generator (by its resolved name), if any.</summary>
    public (string Version, StorySampler Sampler)? PresetOf(string generator)
    {
        lock (_gate) return _presets.TryGetValue(generator, out var p) ? p : null;
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

    public bool TryGet(string generator, out GenerationScheduler scheduler)
    {
        bool found = TryGetLoaded(generator, out var loaded);
        scheduler = loaded?.Scheduler!;
        return found;
    }

    /// <summary>Finds a generator; "default", when nothing is loaded under that name, means the first by name.</summary>
    public bool TryGetLoaded(string generator, out LoadedGenerator? loaded)
    {
        lock (_gate)
        {
            if (_generators.TryGetValue(generator, out loaded)) return true;
            if (!string.Equals(generator, DefaultName, StringComparison.OrdinalIgnoreCase) || _generators.Count == 0) return false;
            loaded = _generators.OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase).First().Value;
            return true;
        }
    }

    public const string DefaultName = "default";

    public IReadOnlyCollection<string> Names
    {
        get { lock (_gate) return _generators.Keys.ToArray(); }
    }

    public IReadOnlyCollection<LoadedGenerator> All
    {
        get { lock (_gate) return _generators.Values.ToArray(); }
    }
}
