using Orleans.Concurrency;
using TextGameGen.Contracts.Sampling;

namespace TextGameGen.Grains.Game;

/// <summary>A front end's receiver of player events (a SignalR relay); a grain observer.</summary>
[Alias("TextGameGen.IPlayerObserver")]
public interface IPlayerObserver : IGrainObserver
{
    /// <summary>One event; a front end that does not answer within 5 s is taken for gone (it subscribes again when it is not).</summary>
    [Alias("OnEvent"), ResponseTimeout("00:00:05")]
    Task OnEventAsync(PlayerEvent e);

    /// <summary>
    /// What happened in a room since the last call, in the room's order: who of this front end's players came or went
    /// (the front end keeps the list) and the actions to show them. One call per front end, not one per player.
    /// </summary>
    [Alias("OnRoom"), ResponseTimeout("00:00:05")]
    Task OnRoomAsync(string roomKey, IReadOnlyList<RoomNote> notes);
}

/// <summary>One player's story, place, belongings and quests (key: the player id from authentication).</summary>
[Alias("TextGameGen.IPlayerGrain")]
public interface IPlayerGrain : IGrainWithStringKey
{
    /// <summary>Enters the world (first time: creates the player) and returns the whole view.</summary>
    [Alias("Join")] Task<PlayerView> JoinAsync(string name, string worldId);

    [Alias("GetView")] Task<PlayerView> GetViewAsync();

    /// <summary>Up to <paramref name="count"/> turns before position <paramref name="beforeSeq"/> (the page's "earlier story").</summary>
    [Alias("Earlier")] Task<EarlierStory> GetEarlierStoryAsync(int beforeSeq, int count);

    /// <summary>The player's last connection closed: they leave the room's list of who is here (their story stays).</summary>
    [Alias("GoOffline")] Task GoOfflineAsync();

    /// <summary>
    /// Validates, stores and acknowledges a command; its passage is then written in the background and pushed to
    /// subscribed observers. The same <paramref name="clientTurnId"/> twice is applied once.
    /// </summary>
    /// <summary>
    /// A turn. <paramref name="observer"/>, when given, is (re)subscribed first: a front end passes its own with every
    /// turn, so events reach it again at once after the grain moved to another silo (a silo died) and lost its observers.
    /// </summary>
    [Alias("Submit")] Task<TurnAck> SubmitAsync(string clientTurnId, string command, IPlayerObserver? observer = null);

    /// <summary>Receives this player's events until unsubscribed or expired (re-subscribe every minute).</summary>
    [Alias("Subscribe")] Task SubscribeAsync(IPlayerObserver observer);
    [Alias("Unsubscribe")] Task UnsubscribeAsync(IPlayerObserver observer);

    /// <summary>The context the next passage would get, with the token count of each section.</summary>
    [Alias("GetContext")] Task<ContextView> GetContextAsync();

    [Alias("SetMemory")] Task SetMemoryAsync(string memory, string authorsNote);

    /// <summary>Rates a passage (+1 or -1) with an optional comment.</summary>
    [Alias("Rate")] Task<PassageFeedback?> RateAsync(string turnId, int rating, string comment);

    /// <summary>Raw prompt in, streamed text out: the model test pane.</summary>
    [Alias("TestPrompt")] IAsyncEnumerable<GenerationChunk> TestPromptAsync(string prompt, SamplerSettings sampler, CancellationToken cancellationToken = default);

    /// <summary>Completes when no passage is pending or being written (tests and the load harness).</summary>
    [Alias("WhenIdle"), AlwaysInterleave] Task WhenIdleAsync();

    // Called by the world and room grains.
    [Alias("OnWorldEvent")] Task OnWorldEventAsync(WorldEvent worldEvent);
    [Alias("OnAnnouncement")] Task OnAnnouncementAsync(WorldEvent announcement);
    [Alias("Remove")] Task RemoveAsync(string reason);
}

/// <summary>A shared world: who is in it, its rooms and the GM's event log (key: world id).</summary>
[Alias("TextGameGen.IWorldGrain")]
public interface IWorldGrain : IGrainWithStringKey
{
    /// <summary>
    /// A player comes online; returns the room a new player starts in and the events raised after
    /// <paramref name="lastEventSeq"/> (the last the player has) while the player was away.
    /// </summary>
    [Alias("Join")] Task<WorldEntry> JoinAsync(string playerId, string name, long lastEventSeq);

    /// <summary>The player's last connection closed: world events no longer go to them until they join again.</summary>
    [Alias("Leave")] Task LeaveAsync(string playerId);

    /// <summary>The players online now or seen recently (id: name).</summary>
    [Alias("Players")] Task<IReadOnlyDictionary<string, string>> GetPlayersAsync();
    [Alias("Rooms")] Task<IReadOnlyList<string>> GetRoomsAsync();
    [Alias("RecentEvents")] Task<IReadOnlyList<WorldEvent>> GetRecentEventsAsync(int count);
    [Alias("StartRoom")] Task<string> GetStartRoomAsync();
    [Alias("Definition")] Task<WorldDefinition> GetDefinitionAsync();

    /// <summary>The generator and sampler preset this world's passages are written with.</summary>
    [Alias("StorySettings"), AlwaysInterleave] Task<StorySettings> GetStorySettingsAsync();

    // Game-master commands (the front end allows them to GMs only).
    /// <summary>Logs the event and has the story of every player online narrate it (their requests meet in the same batches); the others find it in their event list when they come back.</summary>
    [Alias("Event")] Task<WorldEvent> RaiseEventAsync(string text, string by);
    [Alias("Announce")] Task<WorldEvent> AnnounceAsync(string text, string by);
    [Alias("CreateRoom")] Task CreateRoomAsync(RoomSpec room);
    [Alias("DescribeRoom")] Task DescribeRoomAsync(string roomId, string description);
    [Alias("RemovePlayer")] Task<bool> RemovePlayerAsync(string playerId, string by);

    /// <summary>Reads the world's definition file again and applies it (rooms, start room, generator, preset); rooms a GM added stay.</summary>
    [Alias("Reload")] Task<WorldDefinition> ReloadAsync();

    /// <summary>Creates this world from a definition (false: it exists already, as a file or with players).</summary>
    [Alias("Create")] Task<bool> CreateAsync(WorldDefinition definition);
}

/// <summary>The worlds players can choose (key 0).</summary>
[Alias("TextGameGen.IWorldIndexGrain")]
public interface IWorldIndexGrain : IGrainWithIntegerKey
{
    [Alias("List")] Task<IReadOnlyList<WorldSummary>> ListAsync();
    [Alias("Add")] Task AddAsync(WorldSummary world);
}

/// <summary>A room (key: "worldId/roomId"): its description (generated once, then kept), exits, items and who is here.</summary>
[Alias("TextGameGen.IRoomGrain")]
public interface IRoomGrain : IGrainWithStringKey
{
    [Alias("Configure")] Task ConfigureAsync(RoomSpec spec);
    [Alias("Describe")] Task DescribeAsync(string description);
    [Alias("IsDefined")] Task<bool> IsDefinedAsync();
    /// <summary>The room as seen by a player; the first call writes the description when none was given.</summary>
    [Alias("View")] Task<RoomView> GetViewAsync();
    /// <summary>The player is here; the room's actions reach them through <paramref name="frontEnds"/> (those they are connected to).</summary>
    [Alias("Enter")] Task<RoomView> EnterAsync(string playerId, string name, IReadOnlyList<IPlayerObserver> frontEnds);

    /// <summary>
    /// The front ends a present player is connected to now (sent when they change and with every renewal of the
    /// player's subscriptions, which also puts back a player the room lost after it moved to another silo).
    /// </summary>
    [Alias("FrontEnds")] Task SetFrontEndsAsync(string playerId, string name, IReadOnlyList<IPlayerObserver> frontEnds);
    [Alias("Leave")] Task LeaveAsync(string playerId);
    /// <summary>Records an action in the room's order and tells every other player present; returns its number.</summary>
    [Alias("Act")] Task<long> ActAsync(string playerId, string name, string text);
    [Alias("Take")] Task<bool> TakeAsync(string item);
    [Alias("Drop")] Task DropAsync(string item);
}
