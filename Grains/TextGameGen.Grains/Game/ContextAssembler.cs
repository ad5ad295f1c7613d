using TextGameGen.Inference.Tokenization;

namespace TextGameGen.Grains.Game;

/// <summary>What goes into a passage's context, before it is fitted to the budget.</summary>
public sealed record ContextInputs(
    int ContextLength,
    int PassageTokens,
    string Memory,
    string AuthorsNote,
    IReadOnlyList<string> WorldInfo,
    IReadOnlyList<string> History,
    string Lead);

/// <summary>
/// Fits a passage's context into the model's window minus the tokens to generate. In prompt order: memory (at most a
/// quarter of the budget), world info (room, who is here, inventory, quests, recent world events: at most a third,
/// whole lines, first lines first), then the newest history that fits, the author's note (at most an eighth) and the
/// lead (the current turn's line and the story token the passage is written under), which always fits: when it alone
/// is too long, its start is cut. Every part is made of whole tagged lines, so the parts' token counts add up.
/// </summary>
public sealed class ContextAssembler(StoryTokenizer tokenizer)
{
    public ContextView Assemble(ContextInputs inputs)
    {
        int budget = inputs.ContextLength - inputs.PassageTokens;
        if (budget < 2) throw new ArgumentException($"The context ({inputs.ContextLength} tokens) leaves no room for a prompt after {inputs.PassageTokens} passage tokens.");
        // A cut line can tokenize a little differently once decoded; fit again with some slack if so.
        for (int slack = 0; ; slack += 2)
        {
            var view = Assemble(inputs, budget, budget - slack);
            if (view.TotalTokens <= budget || slack >= budget / 2) return view;
        }
    }

    private ContextView Assemble(ContextInputs inputs, int budgetShown, int budget)
    {

        var lead = FitLead(inputs.Lead, budget);
        int left = budget - lead.Tokens;

        var memory = inputs.Memory.Trim().Length == 0 ? Empty("memory")
            : FitText("memory", StoryText.Line(StoryTokens.Action, inputs.Memory), Math.Min(left, budget / 4));
        left -= memory.Tokens;

        var note = inputs.AuthorsNote.Trim().Length == 0 ? Empty("author's note")
            : FitText("author's note", StoryText.Line(StoryTokens.Action, inputs.AuthorsNote), Math.Min(left, budget / 8));
        left -= note.Tokens;

        var world = FitLines("world info", inputs.WorldInfo, Math.Min(left, budget / 3), keepNewest: false);
        left -= world.Tokens;

        var history = FitLines("history", inputs.History, left, keepNewest: true);

        var sections = new[] { memory, world, history, note, lead };
        var prompt = string.Concat(sections.Select(s => s.Text));
        int total = tokenizer.CountTokens(prompt);
        return new ContextView(inputs.ContextLength, inputs.PassageTokens, budgetShown, total, sections, prompt);
    }

    private static ContextSection Empty(string name) => new(name, 0, "");

    /// <summary>The lead, cut at the start (keeping its first token, the line's tag) when it alone exceeds the budget.</summary>
    private ContextSection FitLead(string lead, int budget)
    {
        var ids = tokenizer.Encode(lead);
        if (ids.Length <= budget) return new ContextSection("current turn", ids.Length, lead);
        var kept = new List<int>(budget) { ids[0] };
        kept.AddRange(ids[^(budget - 1)..]);
        return new ContextSection("current turn (cut)", kept.Count, tokenizer.Decode(kept));
    }

    /// <summary>One line, cut at the end (then closed with &lt;|endoftext|&gt;) when it exceeds <paramref name="limit"/>.</summary>
    private ContextSection FitText(string name, string line, int limit)
    {
        if (limit < 3) return Empty(name);
        var ids = tokenizer.Encode(line);
        if (ids.Length <= limit) return new ContextSection(name, ids.Length, line);
        var kept = ids[..(limit - 1)].Append(StoryTokens.EndOfTextId).ToArray();
        return new ContextSection(name + " (cut)", kept.Length, tokenizer.Decode(kept));
    }

    /// <summary>Whole lines within <paramref name="limit"/>: the newest (last) ones for history, the first ones otherwise.</summary>
    private ContextSection FitLines(string name, IReadOnlyList<string> lines, int limit, bool keepNewest)
    {
        var kept = new List<string>();
        int tokens = 0;
        for (int k = 0; k < lines.Count; k++)
        {
            var line = lines[keepNewest ? lines.Count - 1 - k : k];
            int n = tokenizer.CountTokens(line);
            if (tokens + n > limit) break;
            kept.Add(line);
            tokens += n;
        }
        if (keepNewest) kept.Reverse();
        int dropped = lines.Count - kept.Count;
        return new ContextSection(dropped > 0 ? $"{name} ({kept.Count} of {lines.Count})" : name, tokens, string.Concat(kept));
    }
}
