using TextGameGen.Contracts.Tokenization;
using TextGameGen.Grains.Game.Story;

namespace TextGameGen.Grains.Game.Rules;

/// <summary><c>do &lt;action&gt;</c>: the player's action, narrated in the second person; the model writes what happens.</summary>
public sealed record DoCommand(string Action) : GameCommand
{
    public override TurnKind Kind => TurnKind.Do;

    public override Task<string?> ApplyAsync(RuleContext context)
    {
        context.WritePassage(StoryText.Line(StoryTokens.Action, StoryText.SecondPerson(Action)), StoryTokens.Action);
        context.TellRoom($"{context.PlayerName}: {Action}");
        return Task.FromResult<string?>(null);
    }
}

/// <summary><c>say &lt;words&gt;</c>: the player's speech; the model writes the answer as dialogue.</summary>
public sealed record SayCommand(string Words) : GameCommand
{
    public override TurnKind Kind => TurnKind.Say;

    public override Task<string?> ApplyAsync(RuleContext context)
    {
        context.WritePassage(StoryText.Line(StoryTokens.Dialogue, StoryText.Quoted(Words)), StoryTokens.Dialogue);
        context.TellRoom($"{context.PlayerName} says {StoryText.Quoted(Words)}");
        return Task.FromResult<string?>(null);
    }
}

/// <summary><c>story &lt;text&gt;</c>: the player writes a line of the story; the model continues from it.</summary>
public sealed record StoryCommand(string Text) : GameCommand
{
    public override TurnKind Kind => TurnKind.Story;

    public override Task<string?> ApplyAsync(RuleContext context)
    {
        context.WritePassage(StoryText.Line(StoryTokens.Action, Text), StoryTokens.Action);
        context.TellRoom($"{context.PlayerName} writes: {Text}");
        return Task.FromResult<string?>(null);
    }
}

/// <summary><c>continue</c>: the story goes on.</summary>
public sealed record ContinueCommand : GameCommand
{
    public override TurnKind Kind => TurnKind.Continue;

    public override Task<string?> ApplyAsync(RuleContext context)
    {
        context.WritePassage("", StoryTokens.Action);
        return Task.FromResult<string?>(null);
    }
}

/// <summary><c>help</c>: the list of commands.</summary>
public sealed record HelpCommand : GameCommand
{
    public override TurnKind Kind => TurnKind.Help;

    public override Task<string?> ApplyAsync(RuleContext context)
    {
        context.Answer(CommandParser.Help);
        return Task.FromResult<string?>(null);
    }
}
