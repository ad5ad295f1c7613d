namespace TextGameGen.Grains.Game.Rules;

/// <summary>Turns "verb argument" into a <see cref="GameCommand"/>; an unknown or incomplete command gets a helpful error.</summary>
public static class CommandParser
{
    private sealed record Verb(TurnKind Kind, string Help, Func<string, GameCommand> Create, bool NeedsArgument = false);

    private static readonly Dictionary<string, Verb> s_verbs = new(StringComparer.OrdinalIgnoreCase)
    {
        ["do"] = new(TurnKind.Do, "do <action>: you act; the story narrates what happens", a => new DoCommand(a), NeedsArgument: true),
        ["say"] = new(TurnKind.Say, "say <words>: you speak; someone answers", a => new SayCommand(a), NeedsArgument: true),
        ["story"] = new(TurnKind.Story, "story <text>: write a line of the story yourself; it continues from there", a => new StoryCommand(a), NeedsArgument: true),
        ["continue"] = new(TurnKind.Continue, "continue: the story goes on", _ => new ContinueCommand()),
        ["retry"] = new(TurnKind.Retry, "retry: another passage in place of the last one", _ => new RetryCommand()),
        ["undo"] = new(TurnKind.Undo, "undo: take back your last turn", _ => new UndoCommand()),
        ["look"] = new(TurnKind.Look, "look: the room, its exits, items and who is here", _ => new LookCommand()),
        ["go"] = new(TurnKind.Go, "go <exit>: walk through an exit", a => new GoCommand(a), NeedsArgument: true),
        ["take"] = new(TurnKind.Take, "take <item>: pick something up", a => new TakeCommand(a), NeedsArgument: true),
        ["drop"] = new(TurnKind.Drop, "drop <item>: put something down", a => new DropCommand(a), NeedsArgument: true),
        ["inventory"] = new(TurnKind.Inventory, "inventory: what you carry", _ => new InventoryCommand()),
        ["talk"] = new(TurnKind.Talk, "talk <someone>: talk with someone in the room", a => new TalkCommand(a), NeedsArgument: true),
        ["quests"] = new(TurnKind.Quests, "quests: ask for work; the quest-giver's answer joins your quest log", _ => new QuestsCommand()),
        ["help"] = new(TurnKind.Help, "help: this list", _ => new HelpCommand()),
    };

    private static readonly Dictionary<string, string> s_shortcuts = new(StringComparer.OrdinalIgnoreCase) { ["i"] = "inventory", ["inv"] = "inventory", ["l"] = "look" };

    /// <summary>Every command with its help line.</summary>
    public static string Help { get; } = "Commands: " + string.Join("; ", s_verbs.Values.Select(v => v.Help)) + ".";

    /// <summary>Parses "verb argument" (a leading '/' is allowed).</summary>
    public static bool TryParse(string input, out GameCommand command, out string error)
    {
        command = new HelpCommand();
        var text = input.Trim();
        if (text.StartsWith('/')) text = text[1..].TrimStart();
        if (text.Length == 0)
        {
            error = "Type a command. " + Help;
            return false;
        }
        int space = text.IndexOfAny([' ', '\t', '\n']);
        var name = space < 0 ? text : text[..space];
        var argument = space < 0 ? "" : text[(space + 1)..].Trim();
        if (s_shortcuts.TryGetValue(name, out var full)) name = full;
        if (!s_verbs.TryGetValue(name, out var verb))
        {
            var shown = name.Length > 20 ? name[..20] + "..." : name;
            error = $"Unknown command '{shown.ToLowerInvariant()}'. {Help}";
            return false;
        }
        if (verb.NeedsArgument && argument.Length == 0)
        {
            error = $"'{name.ToLowerInvariant()}' needs more: {verb.Help}.";
            return false;
        }
        command = verb.Create(argument);
        error = "";
        return true;
    }
}
