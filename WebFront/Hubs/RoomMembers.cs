using System.Diagnostics;
using Microsoft.Extensions.Options;
using TextGameGen.Grains.Game;
using TextGameGen.WebFront.Hosting;

namespace TextGameGen.WebFront.Hubs;

/// <summary>
/// This front end's players in each room, kept from the rooms' notes (see <c>RoomAudience</c> on the silo). A room's
/// actions reach the front end once and are gathered here for a window that grows with the room's players here
/// (<see cref="HostingOptions.RoomLineWindowFor"/>: 100 ms for a small room, 500 ms for 250 players), then
/// go out as one <see cref="PlayerEventKind.Room"/> event serialized once and shared by every player of the room on this
/// front end (a player who acted in the batch gets a copy without their own lines). A line after a quiet spell goes out
/// at once. Who came and went is applied in the notes' order: lines gathered before an arrival or a departure go out
/// first, so each player gets exactly the lines the room took while they were present, in the room's order.
/// </summary>
public sealed class RoomMembers(ClientOutboxes outboxes, IOptions<HostingOptions> options)
{
    private readonly Dictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    private long WindowTicks(Room room) => (long)(options.Value.RoomLineWindowFor(room.Members.Count) * Stopwatch.Frequency / 1000);

    public void Apply(string roomKey, IReadOnlyList<RoomNote> notes)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(roomKey, out var room)) _rooms[roomKey] = room = new Room();
            foreach (var note in notes)
            {
                if (note.Activity is { } activity)
                {
                    if (room.Members.Count > 0) room.Pending.Add(activity);
                }
                else if (note.PlayerId is { } id)
                {
                    if (room.Pending.Count > 0) Flush(room);
                    if (note.Present) room.Members.Add(id);
                    else room.Members.Remove(id);
                }
            }
            if (room.Pending.Count > 0 && !room.FlushScheduled)
            {
                long wait = room.LastFlush + WindowTicks(room) - Stopwatch.GetTimestamp();
                if (wait <= 0) Flush(room);
                else
                {
                    room.FlushScheduled = true;
                    _ = FlushLaterAsync(roomKey, room, Stopwatch.GetElapsedTime(0, wait));
                }
            }
            ForgetIfEmpty(roomKey, room);
        }
    }

    /// <summary>Players of this front end in the room (tests).</summary>
    public int CountIn(string roomKey)
    {
        lock (_gate) return _rooms.TryGetValue(roomKey, out var room) ? room.Members.Count : 0;
    }

    private async Task FlushLaterAsync(string roomKey, Room room, TimeSpan wait)
    {
        await Task.Delay(wait).ConfigureAwait(false);
        lock (_gate)
        {
            room.FlushScheduled = false;
            if (room.Pending.Count > 0) Flush(room);
            ForgetIfEmpty(roomKey, room);
        }
    }

    private void Flush(Room room)
    {
        RoomActivity[] lines = [.. room.Pending];
        room.Pending.Clear();
        room.LastFlush = Stopwatch.GetTimestamp();
        List<string>? actors = null;
        foreach (var line in lines)
            if (room.Members.Contains(line.ActorId) && !(actors ??= []).Contains(line.ActorId)) actors.Add(line.ActorId);
        outboxes.Send(room.Members, new PlayerEvent(PlayerEventKind.Room, "", Activities: lines), except: actors);
        if (actors is null) return;
        foreach (var actor in actors)
        {
            RoomActivity[] others = [.. lines.Where(l => l.ActorId != actor)];
            if (others.Length > 0) outboxes.Send(actor, new PlayerEvent(PlayerEventKind.Room, "", Activities: others));
        }
    }

    private void ForgetIfEmpty(string roomKey, Room room)
    {
        if (room.Members.Count == 0 && room.Pending.Count == 0 && !room.FlushScheduled) _rooms.Remove(roomKey);
    }

    private sealed class Room
    {
        public HashSet<string> Members { get; } = new(StringComparer.Ordinal);
        public List<RoomActivity> Pending { get; } = [];
        public long LastFlush { get; set; }
        public bool FlushScheduled { get; set; }
    }
}
