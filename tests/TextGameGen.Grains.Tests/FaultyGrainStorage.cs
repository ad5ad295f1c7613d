using Orleans.Storage;
using TextGameGen.Grains.Game;

namespace TextGameGen.Grains.Tests;

/// <summary>
/// The real grain storage with write failures injected (as Orleans' own storage fault tests do): the writes of player
/// states that <see cref="FailWhen"/> picks fail, <see cref="Failures"/> times, before reaching the database.
/// </summary>
public sealed class FaultyGrainStorage(IGrainStorage inner) : IGrainStorage
{
    private int _failures;

    /// <summary>Which player-state writes fail (default: every one).</summary>
    public Func<PlayerState, bool> FailWhen { get; set; } = _ => true;

    /// <summary>How many of the picked writes still fail.</summary>
    public int Failures
    {
        get => Volatile.Read(ref _failures);
        set => Volatile.Write(ref _failures, value);
    }

    public int Failed;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.State is PlayerState player && FailWhen(player) && Interlocked.Decrement(ref _failures) >= 0)
        {
            Interlocked.Increment(ref Failed);
            throw new IOException("Injected write failure: the database is unreachable.");
        }
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}
