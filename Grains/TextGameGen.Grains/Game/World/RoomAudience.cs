using System.Threading.Channels;

namespace TextGameGen.Grains.Game.World;

/// <summary>
/// Who a room speaks to: the players present, each with the front ends they are connected to, and one line per front
/// end. An action goes down every line once (the front end shows it to its players in the room), so a crowded room
/// costs one message per front end, not one per player; who came and went goes down the same line first, so each
/// front end sees the room's notes in the room's order. A line holds at most <see cref="LineCapacity"/> notes: a
/// front end that falls that far behind, or fails a call (tried twice unless it timed out), is cut off, and its
/// players come back with their next subscription renewal (every 15 s). Runs on the room grain's scheduler.
/// </summary>
public sealed class RoomAudience(string roomKey, Action<string> onLineDropped)
{
    public const int LineCapacity = 4096;
    private const int NotesPerCall = 256;
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(500);

    private readonly Dictionary<string, (string Name, IPlayerObserver[] FrontEnds)> _present = new(StringComparer.Ordinal);
    private readonly Dictionary<IPlayerObserver, Line> _lines = [];

    public IReadOnlyCollection<string> Names => _present.Values.Select(p => p.Name).ToList();

    public bool IsPresent(string playerId) => _present.ContainsKey(playerId);

    public string? NameOf(string playerId) => _present.TryGetValue(playerId, out var p) ? p.Name : null;

    /// <summary>Adds or updates a player and their front ends; true when the player was not present.</summary>
    public bool Set(string playerId, string name, IReadOnlyList<IPlayerObserver> frontEnds)
    {
        var now = frontEnds.Distinct().ToArray();
        bool arrived = !_present.TryGetValue(playerId, out var p);
        var before = arrived ? [] : p.FrontEnds;
        _present[playerId] = (name, now);
        foreach (var gone in before.Except(now)) Post(gone, RoomNote.Went(playerId));
        foreach (var added in now.Except(before)) Post(added, RoomNote.Came(playerId));
        return arrived;
    }

    public bool Remove(string playerId)
    {
        if (!_present.Remove(playerId, out var p)) return false;
        foreach (var fe in p.FrontEnds) Post(fe, RoomNote.Went(playerId));
        return true;
    }

    /// <summary>Sends an action down every line that has a player present.</summary>
    public void Tell(RoomActivity activity)
    {
        var note = new RoomNote(activity);
        var told = new HashSet<IPlayerObserver>();
        foreach (var (_, frontEnds) in _present.Values)
            foreach (var fe in frontEnds)
                if (told.Add(fe)) Post(fe, note);
    }

    public async Task CloseAsync()
    {
        foreach (var line in _lines.Values) line.Notes.Writer.TryComplete();
        await Task.WhenAll(_lines.Values.Select(l => l.Loop));
    }

    private void Post(IPlayerObserver frontEnd, RoomNote note)
    {
        if (!_lines.TryGetValue(frontEnd, out var line))
        {
            line = new Line(frontEnd, Channel.CreateBounded<RoomNote>(new BoundedChannelOptions(LineCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait }));
            line.Loop = RunAsync(line);
            _lines[frontEnd] = line;
        }
        if (!line.Notes.Writer.TryWrite(note)) CutOff(line, $"{LineCapacity} notes behind");
    }

    private async Task RunAsync(Line line)
    {
        var batch = new List<RoomNote>(NotesPerCall);
        while (await line.Notes.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < NotesPerCall && line.Notes.Reader.TryRead(out var note)) batch.Add(note);
            if (!await SendAsync(line.FrontEnd, [.. batch]))
            {
                CutOff(line, "not answering");
                return;
            }
        }
    }

    private async Task<bool> SendAsync(IPlayerObserver frontEnd, RoomNote[] notes)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await frontEnd.OnRoomAsync(roomKey, notes);
                return true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (attempt == 2 || ex is TimeoutException) return false;
            }
            await Task.Delay(RetryPause);
        }
    }

    /// <summary>Stops a line and takes its front end off every player present (they come back with their next renewal).</summary>
    private void CutOff(Line line, string why)
    {
        if (!_lines.Remove(line.FrontEnd)) return;
        line.Notes.Writer.TryComplete();
        foreach (var id in _present.Keys.ToList())
        {
            var (name, fes) = _present[id];
            if (fes.Contains(line.FrontEnd)) _present[id] = (name, [.. fes.Where(f => !f.Equals(line.FrontEnd))]);
        }
        onLineDropped(why);
    }

    private sealed class Line(IPlayerObserver frontEnd, Channel<RoomNote> notes)
    {
        public IPlayerObserver FrontEnd { get; } = frontEnd;
        public Channel<RoomNote> Notes { get; } = notes;
        public Task Loop { get; set; } = Task.CompletedTask;
    }
}
