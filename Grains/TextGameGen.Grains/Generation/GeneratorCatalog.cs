using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Grains.Generation;

/// <summary>The schedulers loaded on this silo, one per generator name (for example "fantasy", "wonderland").</summary>
public sealed class GeneratorCatalog
{
    private readonly Dictionary<string, GenerationScheduler> _schedulers = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _gate = new();

    public void Set(string generator, GenerationScheduler scheduler)
    {
        lock (_gate) _schedulers[generator] = scheduler;
    }

    public bool TryGet(string generator, out GenerationScheduler scheduler)
    {
        lock (_gate) return _schedulers.TryGetValue(generator, out scheduler!);
    }

    public IReadOnlyCollection<string> Names
    {
        get { lock (_gate) return _schedulers.Keys.ToArray(); }
    }
}
