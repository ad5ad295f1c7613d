using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TextGameGen.Grains.Game.World;

/// <summary>
/// A shared world: its players, rooms and the GM's event log. A world event is logged, then handed to every player
/// online, each of whom has the model narrate it in their own story; the handing-out runs in the background, so the
/// world answers the GM at once and never waits on a busy player. Players who were away get the events they missed in
/// their event list when they join again. The world stays bounded: it keeps the players online or seen within
/// <see cref="GameOptions.RecentPlayers"/>, and the last <see cref="GameOptions.KeptWorldEvents"/> events.
/// </summary>
public sealed partial class WorldGrain(
    [PersistentState("world", GameStorage.Name)] IPersistentState<WorldState> state,
    WorldFiles files,
    IOptions<GameOptions> options,
    ILogger<WorldGrain> logger) : Grain, IWorldGrain
{
    private string WorldId => this.GetPrimaryKeyString();

    private WorldDefinition Definition => state.State.Definition!;
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(1);
    private DateTimeOffset _lastPrune;

    /// <summary>A new world starts as its definition file says, or as the village template when it has none.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Seeded && state.State.Definition is not null) return;
        await ApplyAsync(files.Find(WorldId) ?? VillageTemplate.For(WorldId, options.Value.Generator));
    }

    public Task<WorldDefinition> GetDefinitionAsync() => Task.FromResult(Definition);

    public Task<StorySettings> GetStorySettingsAsync() => Task.FromResult(new StorySettings(Definition.Generator, Definition.SamplerPreset) { BookPeople = Definition.BookPeople });

    public async Task<WorldDefinition> ReloadAsync()
    {
        var definition = files.Find(WorldId) ?? throw new ArgumentException($"World '{WorldId}' has no definition file ({files.PathOf(WorldId)}).");
        await ApplyAsync(definition);
        return definition;
    }

    public async Task<bool> CreateAsync(WorldDefinition definition)
    {
        if (state.State.CreatedByGm || state.State.Players.Count > 0 || files.Find(WorldId) is not null) return false;
        definition = definition with { Id = WorldId };
        if (definition.Problem() is { } problem) throw new ArgumentException($"World refused: {problem}.");
        state.State.CreatedByGm = true;
        await ApplyAsync(definition);
        await GrainFactory.GetGrain<IWorldIndexGrain>(0).AddAsync(definition.Summary);
        return true;
    }

    /// <summary>Configures every room of the definition (rooms a GM added stay) and keeps the definition.</summary>
    private async Task ApplyAsync(WorldDefinition definition)
    {
        foreach (var room in definition.Rooms)
        {
            await Room(room.Id).ConfigureAsync(room);
            if (!state.State.Rooms.Contains(room.Id)) state.State.Rooms.Add(room.Id);
        }
        state.State.StartRoom = definition.StartRoom;
        state.State.Definition = definition;
        state.State.Seeded = true;
        await state.WriteStateAsync();
    }

    public async Task<WorldEntry> JoinAsync(string playerId, string name, long lastEventSeq)
    {
        var s = state.State;
        bool wasOffline = s.OfflineSince.Remove(playerId);
        if (!s.Players.TryGetValue(playerId, out var known) || known != name || wasOffline)
        {
            s.Players[playerId] = name;
            PruneIfDue();
            await state.WriteStateAsync();
        }
        var missed = s.Events.Where(e => e.Seq > lastEventSeq).TakeLast(options.Value.RecentWorldEvents).ToList();
        return new WorldEntry(s.StartRoom, missed);
    }

    public async Task LeaveAsync(string playerId)
    {
        var s = state.State;
        if (!s.Players.ContainsKey(playerId) || s.OfflineSince.ContainsKey(playerId)) return;
        s.OfflineSince[playerId] = DateTimeOffset.UtcNow;
        PruneIfDue();
        await state.WriteStateAsync();
    }

    /// <summary>Forgets the players offline for longer than <see cref="GameOptions.RecentPlayers"/> (at most once a minute).</summary>
    private void PruneIfDue()
    {
        var now = DateTimeOffset.UtcNow;
        if (now - _lastPrune < PruneInterval) return;
        _lastPrune = now;
        var s = state.State;
        foreach (var (id, since) in s.OfflineSince.Where(p => now - p.Value > options.Value.RecentPlayers).ToList())
        {
            s.OfflineSince.Remove(id);
            s.Players.Remove(id);
        }
    }

    public Task<IReadOnlyDictionary<string, string>> GetPlayersAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(state.State.Players));

    public Task<IReadOnlyList<string>> GetRoomsAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Rooms]);

    public Task<IReadOnlyList<WorldEvent>> GetRecentEventsAsync(int count) =>
        Task.FromResult<IReadOnlyList<WorldEvent>>([.. state.State.Events.TakeLast(Math.Max(0, count))]);

    public Task<string> GetStartRoomAsync() => Task.FromResult(state.State.StartRoom);

    public async Task<WorldEvent> RaiseEventAsync(string text, string by)
    {
        var e = await LogAsync(text, by);
        _ = HandOutAsync(e, (p, ev) => p.OnWorldEventAsync(ev));
        return e;
    }

    public async Task<WorldEvent> AnnounceAsync(string text, string by)
    {
        var e = await LogAsync(text, by);
        _ = HandOutAsync(e, (p, ev) => p.OnAnnouncementAsync(ev));
        return e;
    }

    public async Task CreateRoomAsync(RoomSpec room)
    {
        if (!WorldIds.IsValid(room.Id)) throw new ArgumentException("A room id is 1-48 lowercase letters, digits and '-', starting with a letter or digit.");
        if (string.IsNullOrWhiteSpace(room.Name)) throw new ArgumentException("A room needs a name.");
        foreach (var (exit, target) in room.Exits)
        {
            if (string.IsNullOrWhiteSpace(exit) || !WorldIds.IsValid(target)) throw new ArgumentException($"Exit '{exit}' must lead to a room id (lowercase letters, digits, '-').");
        }
        await Room(room.Id).ConfigureAsync(room);
        if (!state.State.Rooms.Contains(room.Id))
        {
            state.State.Rooms.Add(room.Id);
            await state.WriteStateAsync();
        }
    }

    public async Task DescribeRoomAsync(string roomId, string description)
    {
        if (!state.State.Rooms.Contains(roomId)) throw new ArgumentException($"No room '{roomId}' in this world. Rooms: {string.Join(", ", state.State.Rooms)}.");
        if (string.IsNullOrWhiteSpace(description) || description.Length > GameLimits.MaxEventChars) throw new ArgumentException($"A description is 1 to {GameLimits.MaxEventChars} characters.");
        await Room(roomId).DescribeAsync(description.Trim());
    }

    public async Task<bool> RemovePlayerAsync(string playerId, string by)
    {
        if (!state.State.Players.Remove(playerId)) return false;
        state.State.OfflineSince.Remove(playerId);
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IPlayerGrain>(playerId).RemoveAsync($"removed from the world by {by}");
        return true;
    }

    private IRoomGrain Room(string roomId) => GrainFactory.GetGrain<IRoomGrain>($"{WorldId}/{roomId}");

    private async Task<WorldEvent> LogAsync(string text, string by)
    {
        text = text.Trim();
        if (text.Length == 0 || text.Length > GameLimits.MaxEventChars) throw new ArgumentException($"An event is 1 to {GameLimits.MaxEventChars} characters.");
        var e = new WorldEvent(++state.State.NextSeq, text, by, DateTimeOffset.UtcNow);
        state.State.Events.Add(e);
        int excess = state.State.Events.Count - options.Value.KeptWorldEvents;
        if (excess > 0) state.State.Events.RemoveRange(0, excess);
        await state.WriteStateAsync();
        return e;
    }

    private async Task HandOutAsync(WorldEvent e, Func<IPlayerGrain, WorldEvent, Task> deliver)
    {
        var players = state.State.Players.Keys.Where(id => !state.State.OfflineSince.ContainsKey(id)).ToArray();
        var results = await Task.WhenAll(players.Select(async id =>
        {
            try
            {
                await deliver(GrainFactory.GetGrain<IPlayerGrain>(id), e);
                return true;
            }
            catch (Exception ex)
            {
                LogHandOutFailed(logger, WorldId, e.Seq, id, ex.Message);
                return false;
            }
        }));
        LogHandedOut(logger, WorldId, e.Seq, results.Count(r => r), players.Length);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "World {World}: event {Seq} not delivered to {Player}: {Message}")]
    private static partial void LogHandOutFailed(ILogger logger, string world, long seq, string player, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "World {World}: event {Seq} delivered to {Delivered} of {Players} players")]
    private static partial void LogHandedOut(ILogger logger, string world, long seq, int delivered, int players);
}
