using System.Globalization;
using System.Text;

namespace TextGameGen.WebFront.Input;

/// <summary>
/// Cleans text from browsers before it reaches a grain: Unicode NFC; control characters, format characters
/// (zero-width, bidi embeddings and overrides, tag characters), unpaired surrogates and private-use characters
/// removed; runs of whitespace made one space (or kept as line breaks where allowed); trimmed.
/// </summary>
public static class PlayerInput
{
    public static string Normalize(string text, bool keepLineBreaks = false)
    {
        var nfc = SafeNormalize(text);
        var sb = new StringBuilder(nfc.Length);
        bool pendingSpace = false, pendingBreak = false;
        for (int i = 0; i < nfc.Length; i++)
        {
            char c = nfc[i];
            if (char.IsHighSurrogate(c) && i + 1 < nfc.Length && char.IsLowSurrogate(nfc[i + 1]))
            {
                var category = CharUnicodeInfo.GetUnicodeCategory(nfc, i);
                if (category is not (UnicodeCategory.Format or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned))
                {
                    Flush(sb, ref pendingSpace, ref pendingBreak);
                    sb.Append(c).Append(nfc[i + 1]);
                }
                i++;
                continue;
            }
            if (c == '\n' && keepLineBreaks)
            {
                pendingBreak = true;
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = true;
                continue;
            }
            switch (CharUnicodeInfo.GetUnicodeCategory(c))
            {
                case UnicodeCategory.Control:
                case UnicodeCategory.Format:
                case UnicodeCategory.Surrogate:
                case UnicodeCategory.PrivateUse:
                case UnicodeCategory.OtherNotAssigned:
                    continue;
            }
            Flush(sb, ref pendingSpace, ref pendingBreak);
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static void Flush(StringBuilder sb, ref bool pendingSpace, ref bool pendingBreak)
    {
        if (sb.Length > 0)
        {
            if (pendingBreak) sb.Append('\n');
            else if (pendingSpace) sb.Append(' ');
        }
        pendingSpace = pendingBreak = false;
    }

    /// <summary>NFC of text that may hold unpaired surrogates (which Normalize refuses): those are dropped first.</summary>
    private static string SafeNormalize(string text)
    {
        try
        {
            return text.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            var sb = new StringBuilder(text.Length);
            for (int i = 0; i < text.Length; i++)
            {
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) sb.Append(text[i]).Append(text[++i]);
                else if (!char.IsSurrogate(text[i])) sb.Append(text[i]);
            }
            return sb.ToString().Normalize(NormalizationForm.FormC);
        }
    }
}
