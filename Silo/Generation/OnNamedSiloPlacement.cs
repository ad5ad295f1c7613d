using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace TextGameGen.Silo.Generation;

/// <summary>
/// Places a grain on the silo its key names (a silo address, as <see cref="SiloAddress.ToParsableString"/> writes
/// it): one grain per model-serving silo, reachable from every other. When that silo is not an active member (it died
/// or left), placement fails with <see cref="SiloUnavailableException"/>: the caller sees a clear failure to retry
/// elsewhere, never a grain quietly started on a silo without the models.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class OnNamedSiloPlacement : PlacementStrategy
{
    public static readonly OnNamedSiloPlacement Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class OnNamedSiloPlacementAttribute() : PlacementAttribute(OnNamedSiloPlacement.Instance);

public sealed class OnNamedSiloPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString()!;
        SiloAddress named;
        try
        {
            named = SiloAddress.FromParsableString(key);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"'{key}' is not a silo address; the grain's key names the silo it runs on.", ex);
        }
        if (!context.GetCompatibleSilos(target).Contains(named))
            throw new SiloUnavailableException($"Silo {named} is not in the cluster now (it left or died); lease the generator again.");
        return Task.FromResult(named);
    }
}
