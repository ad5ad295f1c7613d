using TextGameGen.Grains.Game.Story;

namespace TextGameGen.Grains.Game.Rules;

/// <summary>What the player grain lends its rules: who the player is, the rooms of their world, the room's ear, the passage writer, the front ends the player is connected to.</summary>
public sealed record RuleServices(string PlayerId, Func<string, IRoomGrain> RoomOf, Action<string> TellRoom, Action<string> StopWriting, Func<IReadOnlyList<IPlayerObserver>> FrontEnds);

/// <summary>
/// What a rule may read and change while it applies a command to a turn: the player's state, the room, the turn
/// itself. Changes outside the player's state (the room's items, who is in which room) come with their undo
/// (<see cref="OnRollback(Func{Task})"/>), so that a turn whose write fails leaves nothing behind; effects that must
/// only happen once the turn is stored (cancelling a passage, telling the room) wait for <see cref="AfterCommit"/>.
/// </summary>
public sealed class RuleContext(PlayerState state, StoryTurn turn, RuleServices services)
{
    private readonly List<Func<Task>> _rollbacks = [];
    private readonly List<Action> _afterCommit = [];

    public PlayerState State { get; } = state;
    public StoryTurn Turn { get; } = turn;
    public string PlayerId => services.PlayerId;
    public string PlayerName => State.Name;

    /// <summary>The front ends the player is connected to (a room they enter speaks to them through these).</summary>
    public IReadOnlyList<IPlayerObserver> FrontEnds => services.FrontEnds();

    /// <summary>The room the player is in.</summary>
    public IRoomGrain Room => services.RoomOf(State.RoomId);

    /// <summary>Another room of the player's world.</summary>
    public IRoomGrain RoomOf(string roomId) => services.RoomOf(roomId);

    /// <summary>The turn gets a passage: <paramref name="promptLine"/> joins the context, the model writes under <paramref name="tag"/>.</summary>
    public void WritePassage(string promptLine, string tag)
    {
        Turn.PromptLine = promptLine;
        Turn.PassageTag = tag;
        Turn.Status = PassageStatus.Pending;
    }

    /// <summary>The game answers the turn itself (no passage).</summary>
    public void Answer(string text) => Turn.Text = text;

    /// <summary>Undoes a change if the turn is not stored (run newest first).</summary>
    public void OnRollback(Func<Task> undo) => _rollbacks.Add(undo);

    public void OnRollback(Action undo) => _rollbacks.Add(() => { undo(); return Task.CompletedTask; });

    /// <summary>Tells the others in the room what the player did, once the turn is stored.</summary>
    public void TellRoom(string text) => AfterCommit(() => services.TellRoom(text));

    /// <summary>Stops writing a turn's passage (if it is being written).</summary>
    public void StopWriting(string turnId) => services.StopWriting(turnId);

    /// <summary>Runs once the turn is stored.</summary>
    public void AfterCommit(Action action) => _afterCommit.Add(action);

    /// <summary>Undoes every change, newest first; every undo runs even when one fails (the first failure is rethrown).</summary>
    public async Task RollbackAsync()
    {
        Exception? first = null;
        for (int i = _rollbacks.Count - 1; i >= 0; i--)
        {
            try
            {
                await _rollbacks[i]();
            }
            catch (Exception ex)
            {
                first ??= ex;
            }
        }
        _rollbacks.Clear();
        if (first is not null) throw first;
    }

    public void Commit()
    {
        _rollbacks.Clear();
        foreach (var action in _afterCommit) action();
        _afterCommit.Clear();
    }

    /// <summary>The choice that matches what the player typed: exactly (case aside, "the" ignored), else by its start.</summary>
    public static string? Match(string wanted, IEnumerable<string> choices)
    {
        var w = wanted.Trim();
        if (w.StartsWith("the ", StringComparison.OrdinalIgnoreCase)) w = w[4..];
        var list = choices.ToList();
        return list.Find(c => string.Equals(c, w, StringComparison.OrdinalIgnoreCase))
            ?? list.Find(c => c.StartsWith(w, StringComparison.OrdinalIgnoreCase) && w.Length > 0);
    }

    /// <summary>"You see: a, b." (or nothing when the list is empty).</summary>
    public static string Listing(string label, IReadOnlyCollection<string> items) => items.Count > 0 ? $" {label}: {string.Join(", ", items)}." : "";

    /// <summary>A story line from the game (tagged narration).</summary>
    public static string Narration(string text) => StoryText.Line(Contracts.Tokenization.StoryTokens.Action, text);
}
