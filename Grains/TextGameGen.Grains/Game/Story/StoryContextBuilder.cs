using TextGameGen.Contracts.Tokenization;

namespace TextGameGen.Grains.Game.Story;

/// <summary>
/// The context of a player's next passage: memory, world info (the room, who is here, what the player carries, the
/// newest quests and world events), the story before the turn, the author's note and the turn's own line, fitted by
/// <see cref="ContextAssembler"/> into the leased generator's window.
/// </summary>
public sealed class StoryContextBuilder(ContextAssembler assembler, int recentWorldEvents)
{
    private const int QuestsInContext = 2;

    public async Task<AssembledContext> BuildAsync(PlayerState state, IRoomGrain? room, StoryTurn turn, int contextLength, int passageTokens)
    {
        RoomView? view = room is null ? null : await room.GetViewAsync();
        var world = WorldInfo(state.Name, view?.Name, view?.Description, view is null ? [] : view.Present.Where(p => p != state.Name).Concat(view.Npcs),
            state.Inventory, state.Quests.TakeLast(QuestsInContext), state.RecentEvents.TakeLast(recentWorldEvents).Select(e => e.Text));

        var history = state.Turns
            .Where(t => t.Seq < turn.Seq && !t.Hidden && t.Status == PassageStatus.Complete && (t.PromptLine.Length > 0 || t.HasPassage))
            .Select(t => t.PromptLine + (t.HasPassage && t.Text.Length > 0 ? StoryText.Line(t.PassageTag, t.Text) : ""))
            .Where(block => block.Length > 0)
            .ToList();

        return assembler.Assemble(new ContextInputs(contextLength, passageTokens, state.Memory, state.AuthorsNote, world, history, turn.PromptLine + turn.PassageTag));
    }

    /// <summary>The world info lines: who the player is, the room and who is there, what they carry, quests and world events.</summary>
    public static List<string> WorldInfo(string playerName, string? roomName, string? roomDescription, IEnumerable<string> others,
        IReadOnlyCollection<string> inventory, IEnumerable<string> quests, IEnumerable<string> worldEvents)
    {
        var world = new List<string>();
        if (playerName.Length > 0) world.Add(StoryText.Line(StoryTokens.Action, $"You are {playerName}."));
        if (roomName is not null)
        {
            world.Add(StoryText.Line(StoryTokens.Action, $"You are in {roomName}. {roomDescription}"));
            var here = others.ToList();
            if (here.Count > 0) world.Add(StoryText.Line(StoryTokens.Action, $"Here with you: {string.Join(", ", here)}."));
        }
        if (inventory.Count > 0) world.Add(StoryText.Line(StoryTokens.Action, $"You carry {string.Join(", ", inventory)}."));
        world.AddRange(quests.Select(q => StoryText.Line(StoryTokens.Quest, q)));
        world.AddRange(worldEvents.Select(e => StoryText.Line(StoryTokens.Action, e)));
        return world;
    }
}
