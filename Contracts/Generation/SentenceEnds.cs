namespace TextGameGen.Contracts.Generation;

/// <summary>Where a sentence ends in story text: what the engine stops at and what the game keeps a passage to.</summary>
public static class SentenceEnds
{
    /// <summary>Does the text end a sentence: . ! ? (an ellipsis too), then any closing quotes or brackets?</summary>
    public static bool EndsSentence(ReadOnlySpan<char> text)
    {
        int i = text.Length - 1;
        while (i >= 0 && (IsCloser(text[i]) || char.IsWhiteSpace(text[i]))) i--;
        return i >= 0 && IsTerminal(text[i]);
    }

    /// <summary>
    /// Can this character begin the next sentence right after a sentence end: whitespace, an opening quote, or a capital
    /// letter (editions and models both write <c>afraid.“They</c> without a space)?
    /// </summary>
    public static bool StartsNext(char c) => char.IsWhiteSpace(c) || c is '“' or '‘' || char.IsUpper(c);

    public static bool IsTerminal(char c) => c is '.' or '!' or '?' or '…';

    /// <summary>A closing quote or bracket, which still belongs to the sentence before it.</summary>
    public static bool IsCloser(char c) => c is '"' or '\'' or '”' or '’' or ')' or ']';
}
