namespace TextGameGen.Grains.Game;

/// <summary>A parsed player command: a verb and its argument.</summary>
public sealed record GameCommand(string Verb, string Argument)
{
    /// <summary>The verbs, each with its help line.</summary>
    public static IReadOnlyDictionary<string, string> Verbs { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["do"] = "do <action>: you act; the story narrates what happens",
        ["say"] = "say <words>: you speak; someone answers",
        ["story"] = "story <text>: write a line of the story yourself; it continues from there",
        ["continue"] = "continue: the story goes on",
        ["retry"] = "retry: another passage in place of the last one",
        ["undo"] = "undo: take back your last turn",
        ["look"] = "look: the room, its exits, items and who is here",
        ["go"] = "go <exit>: walk through an exit",
        ["take"] = "take <item>: pick something up",
        ["drop"] = "drop <item>: put something down",
        ["inventory"] = "inventory: what you carry",
        ["talk"] = "talk <someone>: talk with someone in the room",
        ["quests"] = "quests: ask for work; the quest-giver's answer joins your quest log",
        ["help"] = "help: this list",
    };

    private static readonly HashSet<string> s_needArgument = new(StringComparer.OrdinalIgnoreCase) { "do", "say", "story", "go", "take", "drop", "talk" };

    public static string Help => "Commands: " + string.Join("; ", Verbs.Values) + ".";

    /// <summary>Parses "verb argument" (a leading '/' is allowed); an unknown or incomplete command gives a helpful error.</summary>
    public static bool TryParse(string input, out GameCommand command, out string error)
    {
        command = new GameCommand("", "");
        var text = input.Trim();
        if (text.StartsWith('/')) text = text[1..].TrimStart();
        if (text.Length == 0)
        {
            error = "Type a command. " + Help;
            return false;
        }
        int space = text.IndexOfAny([' ', '\t', '\n']);
        var verb = (space < 0 ? text : text[..space]).ToLowerInvariant();
        var argument = space < 0 ? "" : text[(space + 1)..].Trim();
        if (verb is "i" or "inv") verb = "inventory";
        if (verb is "l") verb = "look";
        if (!Verbs.ContainsKey(verb))
        {
            var shown = verb.Length > 20 ? verb[..20] + "..." : verb;
            error = $"Unknown command '{shown}'. {Help}";
            return false;
        }
        if (s_needArgument.Contains(verb) && argument.Length == 0)
        {
            error = $"'{verb}' needs more: {Verbs[verb]}.";
            return false;
        }
        command = new GameCommand(verb, argument);
        error = "";
        return true;
    }
}
