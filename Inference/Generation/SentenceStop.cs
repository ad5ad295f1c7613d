using TextGameGen.Contracts.Generation;

namespace TextGameGen.Inference.Generation;

/// <summary>
/// Ends a generation at the first sentence end after a minimum number of tokens: once past it, text ending in
/// <c>. ! ?</c> (and any closing quotes or brackets) is a candidate end, confirmed when the next piece starts a new
/// sentence (whitespace, an opening quote or a capital); that piece is then not emitted. A closing quote after the period still
/// belongs to the sentence, so quoted speech ends closed.
/// </summary>
public sealed class SentenceStop(int afterTokens)
{
    private const int TailLength = 8;
    private string _tail = "";

    public bool Enabled => afterTokens > 0;

    /// <summary>Would emitting <paramref name="piece"/> start a new sentence after a complete one, past the minimum? Then stop before it.</summary>
    public bool StopsBefore(string piece, int generated) =>
        Enabled && piece.Length > 0 && generated >= afterTokens && SentenceEnds.StartsNext(piece[0]) && SentenceEnds.EndsSentence(_tail);

    /// <summary>Notes text that was emitted.</summary>
    public void Emitted(string piece)
    {
        if (!Enabled || piece.Length == 0) return;
        var joined = _tail + piece;
        _tail = joined.Length <= TailLength ? joined : joined[^TailLength..];
    }
}
