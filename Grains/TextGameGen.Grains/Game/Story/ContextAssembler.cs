using TextGameGen.Contracts.Tokenization;

namespace TextGameGen.Grains.Game.Story;

/// <summary>What goes into a passage's context, before it is fitted to the budget.</summary>
public sealed record ContextInputs(
    int ContextLength,
    int PassageTokens,
    string Memory,
    string AuthorsNote,
    IReadOnlyList<string> WorldInfo,
    IReadOnlyList<string> History,
    string Lead);

/// <summary>A fitted context: what the player's context view shows, and the prompt as the token ids the model gets.</summary>
public sealed record AssembledContext(ContextView View, int[] Prompt);

/// <summary>
/// Fits a passage's context into the model's window minus the tokens to generate. In prompt order: memory (at most a
/// quarter of the budget), world info (room, who is here, inventory, quests, recent world events: at most a third,
/// whole lines, first lines first), then the newest history that fits, the author's note (at most an eighth) and the
/// lead (the current turn's line and the story token the passage is written under), which always fits: when it alone
/// is too long, its start is cut. Every part is made of whole tagged lines, each ending in a special token, so the
/// parts' token ids joined are the prompt's: it is tokenized here, once, and travels as ids.
/// </summary>
public sealed class ContextAssembler(StoryTokenizer tokenizer)
{
    private sealed record Section(string Name, int[] Ids, string Text);

    public AssembledContext Assemble(ContextInputs inputs)
    {
        int budget = inputs.ContextLength - inputs.PassageTokens;
        if (budget < 2) throw new ArgumentException($"The context ({inputs.ContextLength} tokens) leaves no room for a prompt after {inputs.PassageTokens} passage tokens.");

        var lead = FitLead(inputs.Lead, budget);
        int left = budget - lead.Ids.Length;
        var memory = FitText("memory", inputs.Memory, Math.Min(left, budget / 4));
        left -= memory.Ids.Length;
        var note = FitText("author's note", inputs.AuthorsNote, Math.Min(left, budget / 8));
        left -= note.Ids.Length;
        var world = FitLines("world info", inputs.WorldInfo, Math.Min(left, budget / 3), keepNewest: false);
        left -= world.Ids.Length;
        var history = FitLines("history", inputs.History, left, keepNewest: true);

        Section[] sections = [memory, world, history, note, lead];
        int[] prompt = [.. sections.SelectMany(s => s.Ids)];
        var view = new ContextView(inputs.ContextLength, inputs.PassageTokens, budget, prompt.Length,
            [.. sections.Select(s => new ContextSection(s.Name, s.Ids.Length, s.Text))], string.Concat(sections.Select(s => s.Text)));
        return new AssembledContext(view, prompt);
    }

    /// <summary>The lead, cut at the start (keeping its first token, the line's tag) when it alone exceeds the budget.</summary>
    private Section FitLead(string lead, int budget)
    {
        var ids = tokenizer.Encode(lead);
        if (ids.Length <= budget) return new Section("current turn", ids, lead);
        int[] kept = [ids[0], .. ids[^(budget - 1)..]];
        return new Section("current turn (cut)", kept, tokenizer.Decode(kept));
    }

    /// <summary>Memory or the author's note as one line, cut at the end (then closed with &lt;|endoftext|&gt;) past <paramref name="limit"/>.</summary>
    private Section FitText(string name, string text, int limit)
    {
        if (text.Trim().Length == 0 || limit < 3) return new Section(name, [], "");
        var line = StoryText.Line(StoryTokens.Action, text);
        var ids = tokenizer.Encode(line);
        if (ids.Length <= limit) return new Section(name, ids, line);
        int[] kept = [.. ids[..(limit - 1)], StoryTokens.EndOfTextId];
        return new Section(name + " (cut)", kept, tokenizer.Decode(kept));
    }

    /// <summary>Whole lines within <paramref name="limit"/>: the newest (last) ones for history, the first ones otherwise.</summary>
    private Section FitLines(string name, IReadOnlyList<string> lines, int limit, bool keepNewest)
    {
        var kept = new List<(string Text, int[] Ids)>();
        int tokens = 0;
        for (int k = 0; k < lines.Count; k++)
        {
            var line = lines[keepNewest ? lines.Count - 1 - k : k];
            var ids = tokenizer.Encode(line);
            if (tokens + ids.Length > limit) break;
            kept.Add((line, ids));
            tokens += ids.Length;
        }
        if (keepNewest) kept.Reverse();
        int dropped = lines.Count - kept.Count;
        return new Section(dropped > 0 ? $"{name} ({kept.Count} of {lines.Count})" : name,
            [.. kept.SelectMany(l => l.Ids)], string.Concat(kept.Select(l => l.Text)));
    }
}
