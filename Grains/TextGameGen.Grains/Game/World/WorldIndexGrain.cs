using Microsoft.Extensions.Options;

namespace TextGameGen.Grains.Game.World;

/// <summary>The worlds players can choose: every definition file, the worlds game masters created, and the default world.</summary>
public sealed class WorldIndexGrain(
    [PersistentState("world-index", GameStorage.Name)] IPersistentState<WorldIndexState> state,
    WorldFiles files,
    IOptions<GameOptions> options) : Grain, IWorldIndexGrain
{
    public Task<IReadOnlyList<WorldSummary>> ListAsync()
    {
        var worlds = files.All().Select(d => d.Summary).ToList();
        worlds.AddRange(state.State.Created.Where(c => !worlds.Exists(w => w.Id == c.Id)));
        var defaultId = options.Value.DefaultWorld;
        if (!worlds.Exists(w => w.Id == defaultId)) worlds.Insert(0, VillageTemplate.For(defaultId, options.Value.Generator).Summary);
        return Task.FromResult<IReadOnlyList<WorldSummary>>(worlds);
    }

    public async Task AddAsync(WorldSummary world)
    {
        state.State.Created.RemoveAll(w => w.Id == world.Id);
        state.State.Created.Add(world);
        await state.WriteStateAsync();
    }
}
