using TextGameGen.Contracts.Tokenization;

namespace TextGameGen.Grains.Game.Rules;

/// <summary><c>talk &lt;someone&gt;</c>: a dialogue passage with someone in the room (a character or another player).</summary>
public sealed record TalkCommand(string Who) : GameCommand
{
    public override TurnKind Kind => TurnKind.Talk;

    public override async Task<string?> ApplyAsync(RuleContext context)
    {
        var view = await context.Room.GetViewAsync();
        var who = RuleContext.Match(Who, view.Npcs.Concat(view.Present.Where(p => p != context.PlayerName)));
        if (who is null) return $"There is no '{Who}' here to talk to." + RuleContext.Listing("Here", view.Npcs);
        context.WritePassage(RuleContext.Narration($"You talk to the {who}."), StoryTokens.Dialogue);
        return null;
    }
}

/// <summary><c>quests</c>: the room's first character gives a quest (a <c>&lt;|quest|&gt;</c> passage that joins the quest log).</summary>
public sealed record QuestsCommand : GameCommand
{
    public override TurnKind Kind => TurnKind.Quests;

    public override async Task<string?> ApplyAsync(RuleContext context)
    {
        var view = await context.Room.GetViewAsync();
        var giver = view.Npcs.Count > 0 ? view.Npcs[0] : "stranger";
        context.WritePassage(RuleContext.Narration($"You ask the {giver} for work."), StoryTokens.Quest);
        return null;
    }
}
