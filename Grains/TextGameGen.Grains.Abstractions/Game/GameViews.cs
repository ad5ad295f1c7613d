using TextGameGen.Contracts.Sampling;

namespace TextGameGen.Grains.Game;

/// <summary>A room as a player sees it.</summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.RoomView")]
public sealed record RoomView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Description,
    [property: Id(3)] IReadOnlyDictionary<string, string> Exits,
    [property: Id(4)] IReadOnlyList<string> Items,
    [property: Id(5)] IReadOnlyList<string> Npcs,
    [property: Id(6)] IReadOnlyList<string> Present);

/// <summary>How a game master defines or changes a room.</summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.RoomSpec")]
public sealed record RoomSpec(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Description,
    [property: Id(3)] IReadOnlyDictionary<string, string> Exits,
    [property: Id(4)] IReadOnlyList<string> Items,
    [property: Id(5)] IReadOnlyList<string> Npcs);

/// <summary>A GM's world event, numbered in the world's log.</summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.WorldEvent")]
public sealed record WorldEvent(
    [property: Id(0)] long Seq,
    [property: Id(1)] string Text,
    [property: Id(2)] string By,
    [property: Id(3)] DateTimeOffset At);

/// <summary>Something another player did in the room (or arriving, or leaving), numbered by the room.</summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.RoomActivity")]
public sealed record RoomActivity(
    [property: Id(0)] string RoomId,
    [property: Id(1)] long Seq,
    [property: Id(2)] string ActorId,
    [property: Id(3)] string ActorName,
    [property: Id(4)] string Text);

/// <summary>
/// A room's note to a front end: an action (<see cref="Activity"/>), or a player of that front end coming
/// (<see cref="Present"/>) or going.
/// </summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.RoomNote")]
public sealed record RoomNote(
    [property: Id(0)] RoomActivity? Activity,
    [property: Id(1)] string? PlayerId = null,
    [property: Id(2)] bool Present = false)
{
    public static RoomNote Came(string playerId) => new(null, playerId, true);
    public static RoomNote Went(string playerId) => new(null, playerId, false);
}

/// <summary>
/// Everything the page needs to draw a player's game, fetched on join and after a reconnect. <see cref="Story"/> is
/// the recent turns; turns before position <see cref="EarlierBefore"/> (when above 1) come a page at a time from
/// <see cref="IPlayerGrain.GetEarlierStoryAsync"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.PlayerView")]
public sealed record PlayerView(
    [property: Id(0)] string PlayerId,
    [property: Id(1)] string Name,
    [property: Id(2)] string WorldId,
    [property: Id(3)] RoomView? Room,
    [property: Id(4)] IReadOnlyList<StoryTurn> Story,
    [property: Id(5)] IReadOnlyList<string> Inventory,
    [property: Id(6)] IReadOnlyList<string> Quests,
    [property: Id(7)] IReadOnlyList<WorldEvent> RecentEvents,
    [property: Id(8)] string Memory,
    [property: Id(9)] string AuthorsNote,
    [property: Id(10)] bool Removed,
    [property: Id(11)] int EarlierBefore = 0);

/// <summary>A page of a player's earlier story: <see cref="Turns"/> oldest first, and where the next page (further back) starts.</summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.EarlierStory")]
public sealed record EarlierStory(
    [property: Id(0)] IReadOnlyList<StoryTurn> Turns,
    [property: Id(1)] int NextBefore,
    [property: Id(2)] bool HasMore);

/// <summary>What a world tells a player who joins: the room to start in, and the world events raised since the player's last one.</summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.WorldEntry")]
public sealed record WorldEntry(
    [property: Id(0)] string StartRoom,
    [property: Id(1)] IReadOnlyList<WorldEvent> MissedEvents);

/// <summary>The answer to a submitted command, given only after the turn is stored.</summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.TurnAck")]
public sealed record TurnAck(
    [property: Id(0)] bool Accepted,
    [property: Id(1)] string TurnId,
    [property: Id(2)] int Seq = 0,
    [property: Id(3)] bool Duplicate = false,
    [property: Id(4)] string? Error = null,
    [property: Id(5)] StoryTurn? Turn = null)
{
    public static TurnAck Refused(string turnId, string error) => new(false, turnId, Error: error);
}

/// <summary>One part of the model's context: what it holds and how many tokens it takes.</summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.ContextSection")]
public sealed record ContextSection(
    [property: Id(0)] string Name,
    [property: Id(1)] int Tokens,
    [property: Id(2)] string Text);

/// <summary>The context the model gets for the next passage, section by section, within its token budget.</summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.ContextView")]
public sealed record ContextView(
    [property: Id(0)] int ContextLength,
    [property: Id(1)] int PassageTokens,
    [property: Id(2)] int Budget,
    [property: Id(3)] int TotalTokens,
    [property: Id(4)] IReadOnlyList<ContextSection> Sections,
    [property: Id(5)] string Prompt);

/// <summary>What a <see cref="PlayerEvent"/> tells a player's browsers.</summary>
[GenerateSerializer, Alias("TextGameGen.PlayerEventKind")]
public enum PlayerEventKind
{
    /// <summary>The passage of a turn starts (or restarts, after the loop guard).</summary>
    PassageStart,
    /// <summary>A piece of a passage's text.</summary>
    PassageDelta,
    /// <summary>A passage is final and stored (the event carries the turn).</summary>
    PassageEnd,
    /// <summary>A turn was added or changed without a passage (game verbs, undo, announcements).</summary>
    Turn,
    /// <summary>Other players did something in the room: <see cref="PlayerEvent.Activities"/>, in the room's order.</summary>
    Room,
    /// <summary>A game master's world event (its passage follows).</summary>
    WorldEvent,
    Announcement,
    /// <summary>A game master removed the player from the world.</summary>
    Removed,
    /// <summary>A passage waits for the storyteller: <see cref="PlayerEvent.Text"/> says the place in line and the estimated wait.</summary>
    Queued,
    /// <summary>Something the server tells the page about the connection (why it was closed, say).</summary>
    Notice,
}

/// <summary>
/// A message pushed to a player's browsers. A <see cref="PlayerEventKind.Room"/> event carries one or more of the room's
/// lines in <see cref="Activities"/> (a crowded room's lines are gathered for a moment and sent together, one message
/// shared by the players on a front end).
/// </summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.PlayerEvent")]
public sealed record PlayerEvent(
    [property: Id(0)] PlayerEventKind Kind,
    [property: Id(1)] string PlayerId,
    [property: Id(2)] string? TurnId = null,
    [property: Id(3)] string Text = "",
    [property: Id(4)] StoryTurn? Turn = null,
    [property: Id(7)] IReadOnlyList<RoomActivity>? Activities = null,
    [property: Id(6)] WorldEvent? WorldEvent = null);

/// <summary>A player's rating of a passage, with what produced it.</summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.PassageFeedback")]
public sealed record PassageFeedback(
    [property: Id(0)] string PlayerId,
    [property: Id(1)] string TurnId,
    [property: Id(2)] int Rating,
    [property: Id(3)] string Comment,
    [property: Id(4)] TurnKind Kind,
    [property: Id(5)] string PassageTag,
    [property: Id(6)] string Text,
    [property: Id(7)] string? ModelVersion,
    [property: Id(8)] SamplerSettings? Sampler,
    [property: Id(9)] int? Seed,
    [property: Id(10)] DateTimeOffset At,
    [property: Id(11)] string? Generator = null);
