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
        var world = new List<string>();
        if (state.Name.Length > 0) world.Add(StoryText.Line(StoryTokens.Action, $"You are {state.Name}."));
        if (room is not null)
        {
            var view = await room.GetViewAsync();
            world.Add(StoryText.Line(StoryTokens.Action, $"You are in {view.Name}. {view.Description}"));
            var others = view.Present.Where(p => p != state.Name).Concat(view.Npcs).ToList();
            if (others.Count > 0) world.Add(StoryText.Line(StoryTokens.Action, $"Here with you: {string.Join(", ", others)}."));
        }
        if (state.Inventory.Count > 0) world.Add(StoryText.Line(StoryTokens.Action, $"You carry {string.Join(", ", state.Inventory)}."));
        foreach (var quest in state.Quests.TakeLast(QuestsInContext)) world.Add(StoryText.Line(StoryTokens.Quest, quest));
        foreach (var e in state.RecentEvents.TakeLast(recentWorldEvents)) world.Add(StoryText.Line(StoryTokens.Action, e.Text));

        var history = state.Turns
            .Where(t => t.Seq < turn.Seq && !t.Hidden && t.Status == PassageStatus.Complete && (t.PromptLine.Length > 0 || t.HasPassage))
            .Select(t => t.PromptLine + (t.HasPassage && t.Text.Length > 0 ? StoryText.Line(t.PassageTag, t.Text) : ""))
            .Where(block => block.Length > 0)
            .ToList();

        return assembler.Assemble(new ContextInputs(contextLength, passageTokens, state.Memory, state.AuthorsNote, world, history, turn.PromptLine + turn.PassageTag));
    }
}
