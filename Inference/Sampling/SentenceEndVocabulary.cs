using TextGameGen.Contracts.Generation;
using TextGameGen.Contracts.Tokenization;

namespace TextGameGen.Inference.Sampling;

/// <summary>
/// Which tokens end a sentence on their own (only terminal punctuation and closing quotes or brackets, with at least
/// one of <c>. ! ? …</c>: ".", "!\"", "?'", "...") and which only close one (a quote or bracket after the period).
/// Words that end with a period ("Mr.") are neither: pushing them would end sentences in odd places. For GPT-2's
/// vocabulary (<see cref="Gpt2"/>) found once by decoding every token.
/// </summary>
public sealed class SentenceEndVocabulary
{
    private static readonly Lazy<SentenceEndVocabulary> s_gpt2 = new(() => FromTokenizer(StoryTokenizer.Shared));
    private readonly HashSet<int> _ends;
    private readonly HashSet<int> _closers;
    private readonly HashSet<int> _partial;

    /// <param name="ends">Tokens that end a sentence alone.</param>
    /// <param name="closers">Tokens that only close one (a quote or bracket).</param>
    /// <param name="partial">Tokens that are part of a character's bytes (GPT-2 writes "’" as two of them).</param>
    public SentenceEndVocabulary(IEnumerable<int> ends, IEnumerable<int> closers, IEnumerable<int>? partial = null)
    {
        _ends = [.. ends];
        _closers = [.. closers];
        _partial = [.. partial ?? []];
        Ends = [.. _ends.Order()];
    }

    public static SentenceEndVocabulary Gpt2 => s_gpt2.Value;

    /// <summary>The tokens that end a sentence alone, in id order.</summary>
    public IReadOnlyList<int> Ends { get; }

    public bool EndsSentence(int id) => _ends.Contains(id);

    public bool OnlyCloses(int id) => _closers.Contains(id);

    /// <summary>Part of a character's bytes ("’" is two tokens): it neither ends nor continues a sentence alone.</summary>
    public bool IsPartial(int id) => _partial.Contains(id);

    /// <summary>Does the text still end a sentence after <paramref name="id"/>, given whether it did before?</summary>
    public bool EndedAfter(int id, bool endedBefore) =>
        EndsSentence(id) || (endedBefore && (OnlyCloses(id) || IsPartial(id)));

    public static SentenceEndVocabulary FromTokenizer(StoryTokenizer tokenizer)
    {
        var ends = new List<int>();
        var closers = new List<int>();
        var partial = new List<int>();
        for (int id = 0; id < StoryTokens.EndOfTextId; id++)
        {
            string piece = tokenizer.Decode([id]);
            if (EndsASentenceAlone(piece)) ends.Add(id);
            else if (OnlyClosesASentence(piece)) closers.Add(id);
            else if (piece.Trim(' ', '\uFFFD').Length == 0 && piece.Contains('\uFFFD')) partial.Add(id);
        }
        return new SentenceEndVocabulary(ends, closers, partial);
    }

    public static bool EndsASentenceAlone(string piece)
    {
        var text = piece.TrimStart(' ');
        return text.Length > 0 && text.Any(SentenceEnds.IsTerminal) && text.All(c => SentenceEnds.IsTerminal(c) || SentenceEnds.IsCloser(c));
    }

    public static bool OnlyClosesASentence(string piece)
    {
        var text = piece.TrimStart(' ');
        return text.Length > 0 && text.All(SentenceEnds.IsCloser);
    }
}
