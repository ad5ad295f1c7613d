using System.Text;
using TextGameGen.Contracts.Tokenization;

namespace TextGameGen.Grains.Game.Story;

/// <summary>Turns player and model text into tagged context lines, so nothing a player types can forge a story token.</summary>
public static class StoryText
{
    /// <summary>Breaks any "&lt;|" so that text cannot contain a special token.</summary>
    public static string Neutralize(string text) => text.Replace("<|", "< |", StringComparison.Ordinal);

    /// <summary>A tagged line: tag, text, &lt;|endoftext|&gt;.</summary>
    public static string Line(string tag, string text) => tag + Neutralize(text.Trim()) + StoryTokens.EndOfText;

    /// <summary>"You open the door." from "open the door" (a sentence in the second person).</summary>
    public static string SecondPerson(string action)
    {
        var a = action.Trim();
        if (a.StartsWith("you ", StringComparison.OrdinalIgnoreCase)) a = a[4..];
        var sb = new StringBuilder("You ").Append(a);
        if (a.Length > 0 && !".!?\"'".Contains(a[^1])) sb.Append('.');
        return sb.ToString();
    }

    /// <summary>Speech in quotes, with closing punctuation.</summary>
    public static string Quoted(string words)
    {
        var w = words.Trim().Trim('"');
        if (w.Length > 0 && !".!?".Contains(w[^1])) w += ".";
        return "\"" + w + "\"";
    }
}
