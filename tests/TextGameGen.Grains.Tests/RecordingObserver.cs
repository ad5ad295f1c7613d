using System.Collections.Concurrent;
using TextGameGen.Grains.Game;

namespace TextGameGen.Grains.Tests;

/// <summary>
/// A test-side front end that records every event it is sent; room notes are kept as a front end keeps them (who of
/// its players is in which room) and each action shown to its players but the actor is recorded as a room event.
/// </summary>
public sealed class RecordingObserver : IPlayerObserver
{
    private readonly Dictionary<string, HashSet<string>> _rooms = [];

    public ConcurrentQueue<PlayerEvent> Events { get; } = new();

    public Task OnRoomAsync(string roomKey, IReadOnlyList<RoomNote> notes)
    {
        lock (_rooms)
        {
            if (!_rooms.TryGetValue(roomKey, out var members)) _rooms[roomKey] = members = [];
            foreach (var note in notes)
            {
                if (note.Activity is { } a)
                {
                    foreach (var id in members.Where(id => id != a.ActorId)) Events.Enqueue(new PlayerEvent(PlayerEventKind.Room, id, Activities: [a]));
                }
                else if (note.Present) members.Add(note.PlayerId!);
                else members.Remove(note.PlayerId!);
            }
        }
        return Task.CompletedTask;
    }

    public Task OnEventAsync(PlayerEvent e)
    {
        Events.Enqueue(e);
        return Task.CompletedTask;
    }

    public static async Task Until(Func<bool> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited {seconds} s for: {what}");
            await Task.Delay(20);
        }
    }

    public static async Task Until(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited {seconds} s for: {what}");
            await Task.Delay(20);
        }
    }
}
