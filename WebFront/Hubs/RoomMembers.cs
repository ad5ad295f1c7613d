using TextGameGen.Grains.Game;

namespace TextGameGen.WebFront.Hubs;

/// <summary>
/// This front end's players in each room, kept from the rooms' notes (see <c>RoomAudience</c> on the silo): an action
/// reaches the front end once and is queued here for every player of the room on this front end but its actor.
/// </summary>
public sealed class RoomMembers(ClientOutboxes outboxes)
{
    private readonly Dictionary<string, HashSet<string>> _rooms = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void Apply(string roomKey, IReadOnlyList<RoomNote> notes)
    {
        lock (_gate)
        {
            foreach (var note in notes)
            {
                if (note.Activity is { } activity)
                {
                    if (!_rooms.TryGetValue(roomKey, out var members)) continue;
                    var e = new PlayerEvent(PlayerEventKind.Room, "", Text: activity.Text, Activity: activity);
                    outboxes.Send(members, e, except: activity.ActorId);
                }
                else if (note.PlayerId is { } id)
                {
                    if (note.Present)
                    {
                        if (!_rooms.TryGetValue(roomKey, out var members)) _rooms[roomKey] = members = new(StringComparer.Ordinal);
                        members.Add(id);
                    }
                    else if (_rooms.TryGetValue(roomKey, out var members) && members.Remove(id) && members.Count == 0)
                    {
                        _rooms.Remove(roomKey);
                    }
                }
            }
        }
    }

    /// <summary>Players of this front end in the room (tests).</summary>
    public int CountIn(string roomKey)
    {
        lock (_gate) return _rooms.TryGetValue(roomKey, out var m) ? m.Count : 0;
    }
}
