using TextGameGen.Contracts.Tokenization;

namespace TextGameGen.Inference.Sampling;

/// <summary>The tokens to penalise in one generation: at any point (<see cref="Starts"/>) and right after a given token (<see cref="After"/>).</summary>
public sealed record ForeignNamePenalties(int[] Starts, IReadOnlyDictionary<int, int[]> After)
{
    public static ForeignNamePenalties None { get; } = new([], new Dictionary<int, int[]>());
}

/// <summary>
/// The character names of the books a model learnt from (its <c>names.txt</c>), as the tokens that start them, so the
/// sampler can keep them out of a passage (<see cref="Contracts.Sampling.SamplerSettings.ForeignNamePenalty"/>). A
/// name is penalised where it starts: its first token after a space (" Dorothy", " Scare" of " Scarecrow") and, when
/// the whole name is one token, without the space (after an opening quote). When the first piece is too short to be
/// a name's alone (" M" of " Mowgli", " Oz" of " Ozma") or a common word's (" The"), the second piece is penalised
/// right after it instead. Pieces of the names the context gives
/// (<see cref="Contracts.Sampling.SamplerSettings.KnownNames"/>) are spared.
/// </summary>
public sealed class ForeignNames
{
    private readonly Dictionary<int, string> _starts;
    private readonly Dictionary<(int First, int Second), string> _pairs;
    private readonly StoryTokenizer _tokenizer;

    private ForeignNames(Dictionary<int, string> starts, Dictionary<(int, int), string> pairs, StoryTokenizer tokenizer)
    {
        _starts = starts;
        _pairs = pairs;
        _tokenizer = tokenizer;
    }

    public static ForeignNames None { get; } = new([], [], StoryTokenizer.Shared);

    /// <summary>How many tokens and token pairs are penalised.</summary>
    public int Count => _starts.Count + _pairs.Count;

    /// <summary>The name a token starts (null: none).</summary>
    public string? NameStartedBy(int token) => _starts.GetValueOrDefault(token);

    /// <summary>The name <paramref name="second"/> continues right after <paramref name="first"/> (null: none).</summary>
    public string? NameContinuedBy(int first, int second) => _pairs.GetValueOrDefault((first, second));

    public static ForeignNames Build(IEnumerable<string> names, StoryTokenizer tokenizer)
    {
        var starts = new Dictionary<int, string>();
        var pairs = new Dictionary<(int, int), string>();
        foreach (var raw in names)
        {
            var name = raw.Trim();
            if (name.Length < 2 || !char.IsUpper(name[0])) continue;
            var spaced = tokenizer.Encode(" " + name);
            if (spaced.Length == 0) continue;
            if (StartsAName(tokenizer.Decode([spaced[0]]))) starts.TryAdd(spaced[0], name);
            else if (spaced.Length > 1) pairs.TryAdd((spaced[0], spaced[1]), name);
            var bare = tokenizer.Encode(name);
            if (bare.Length == 1) starts.TryAdd(bare[0], name);
        }
        return new ForeignNames(starts, pairs, tokenizer);
    }

    /// <summary>
    /// The penalties for one generation: every start and pair but those of <paramref name="knownNames"/> (each word of
    /// them, with and without the space before it).
    /// </summary>
    public ForeignNamePenalties PenalisedExcept(IReadOnlyList<string> knownNames)
    {
        if (Count == 0) return ForeignNamePenalties.None;
        var spared = new HashSet<int>();
        var sparedPairs = new HashSet<(int, int)>();
        foreach (var known in knownNames)
            foreach (var word in known.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                foreach (var ids in new[] { _tokenizer.Encode(" " + word), _tokenizer.Encode(word) })
                {
                    if (ids.Length > 0 && _starts.ContainsKey(ids[0])) spared.Add(ids[0]);
                    if (ids.Length > 1 && _pairs.ContainsKey((ids[0], ids[1]))) sparedPairs.Add((ids[0], ids[1]));
                }
        // Most contexts name no one from the books: they share one set, made once (it is read, never changed).
        if (spared.Count == 0 && sparedPairs.Count == 0) return _all ??= Penalties(spared, sparedPairs);
        return Penalties(spared, sparedPairs);
    }

    private ForeignNamePenalties? _all;

    private ForeignNamePenalties Penalties(HashSet<int> spared, HashSet<(int, int)> sparedPairs)
    {
        var after = _pairs.Keys.Where(p => !sparedPairs.Contains(p)).GroupBy(p => p.First)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Second).Order().ToArray());
        return new ForeignNamePenalties([.. _starts.Keys.Where(t => !spared.Contains(t)).Order()], after);
    }

    /// <summary>A first piece worth penalising alone: a capital and at least two more letters, not a common word (" Dor", not " M" or " The").</summary>
    private static bool StartsAName(string piece)
    {
        var p = piece.TrimStart();
        return p.Length >= 3 && char.IsUpper(p[0]) && p.All(char.IsLetter) && !CommonStarts.Contains(p);
    }

    /// <summary>Capitalised words that begin sentences everywhere; a name that starts with one of these pieces is penalised by its second.</summary>
    private static readonly HashSet<string> CommonStarts = new(StringComparer.Ordinal)
    {
        "The", "And", "But", "For", "She", "They", "Then", "There", "This", "That", "What", "When", "Where", "Who", "Why", "How",
        "His", "Her", "Him", "You", "Your", "Our", "Not", "Now", "One", "All", "Yes", "Well", "Come", "Let", "May", "Will",
        "Can", "Old", "Good", "Little", "Great", "King", "Queen", "Prince", "Princess", "Lord", "Lady", "Sir", "Master",
        "Mother", "Father", "Brother", "Sister", "Miss", "Mrs", "God", "Heaven",
    };
}
