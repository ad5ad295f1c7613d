namespace TextGameGen.Grains.Game.Rules;

/// <summary>
/// <c>retry</c>: another passage in place of the last one, from the same prompt line. The old passage is kept for the
/// record but hidden; its writing stops once the retry is stored.
/// </summary>
public sealed record RetryCommand : GameCommand
{
    public override TurnKind Kind => TurnKind.Retry;

    public override Task<string?> ApplyAsync(RuleContext context)
    {
        var target = context.State.Turns.LastOrDefault(t => !t.Hidden && t.HasPassage);
        if (target is null) return Task.FromResult<string?>("There is no passage to retry yet.");
        Hide(context, target);
        context.Turn.TargetTurnId = target.Id;
        context.WritePassage(target.PromptLine, target.PassageTag);
        return Task.FromResult<string?>(null);
    }

    /// <summary>Hides a turn (shown again if the command is rolled back) and stops its passage once the command is stored.</summary>
    internal static void Hide(RuleContext context, StoryTurn target)
    {
        target.Hidden = true;
        context.OnRollback(() => target.Hidden = false);
        context.AfterCommit(() => context.StopWriting(target.Id));
    }
}

/// <summary><c>undo</c>: takes back the player's last story turn (undoing a retry brings back the passage it replaced).</summary>
public sealed record UndoCommand : GameCommand
{
    private static readonly HashSet<TurnKind> s_undoable = [TurnKind.Do, TurnKind.Say, TurnKind.Story, TurnKind.Continue, TurnKind.Retry, TurnKind.Talk, TurnKind.Quests];

    public override TurnKind Kind => TurnKind.Undo;

    public override Task<string?> ApplyAsync(RuleContext context)
    {
        var turns = context.State.Turns;
        var target = turns.LastOrDefault(t => !t.Hidden && t.HasPassage && s_undoable.Contains(t.Kind));
        if (target is null) return Task.FromResult<string?>("There is nothing of yours to undo.");
        RetryCommand.Hide(context, target);
        if (target.Kind == TurnKind.Retry && turns.Find(t => t.Id == target.TargetTurnId) is { } replaced)
        {
            replaced.Hidden = false;
            context.OnRollback(() => replaced.Hidden = true);
        }
        context.Turn.TargetTurnId = target.Id;
        context.Answer($"Taken back: {target.PlayerText}");
        return Task.FromResult<string?>(null);
    }
}
