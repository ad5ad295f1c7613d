namespace TextGameGen.Grains.Game.Rules;

/// <summary>
/// A player's command, parsed once (<see cref="CommandParser"/>): one sealed record per verb, each holding the rule
/// that applies it to a turn.
/// </summary>
public abstract record GameCommand
{
    public abstract TurnKind Kind { get; }

    /// <summary>Applies the rule; returns a refusal to show the player instead of the turn, or null.</summary>
    public abstract Task<string?> ApplyAsync(RuleContext context);
}
