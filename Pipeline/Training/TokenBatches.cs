using TextGameGen.Contracts.Tokenization;

namespace TextGameGen.Pipeline.Training;

/// <summary>
/// A split as one token stream, cut into [batch, seq] inputs with next-token targets. Each sequence starts at the
/// start of a line (a story tag), as prompts and evaluation lines do, so position 0 always means "a line begins";
/// the partial line before a sequence's start is skipped.
/// </summary>
public sealed class TokenBatches
{
    private readonly int[] _tokens;
    private readonly int[] _lineStarts;
    private int _position;

    public TokenBatches(IEnumerable<string> lines)
    {
        var tokens = new List<int>();
        var starts = new List<int>();
        foreach (var line in lines)
        {
            if (line.Length == 0) continue;
            starts.Add(tokens.Count);
            tokens.AddRange(StoryTokenizer.Shared.Encode(line));
        }
        _tokens = [.. tokens];
        _lineStarts = [.. starts];
    }

    public int TokenCount => _tokens.Length;

    /// <summary>Where the next batch starts (kept in checkpoints, so a resumed run reads the same batches).</summary>
    public int Position
    {
        get => _position;
        set => _position = value >= 0 && value < Math.Max(1, _tokens.Length) ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    /// <summary>The next batch in order, wrapping around at the end of the data.</summary>
    public (int[] Inputs, int[] Targets) Next(int batch, int seq)
    {
        if (_tokens.Length < seq + 1) throw new InvalidDataException($"The data has {_tokens.Length} tokens; a sequence needs {seq + 1}.");
        var inputs = new int[batch * seq];
        var targets = new int[batch * seq];
        for (int b = 0; b < batch; b++)
        {
            int start = NextLineStart(_position);
            if (start + seq + 1 > _tokens.Length) start = 0;
            Array.Copy(_tokens, start, inputs, b * seq, seq);
            Array.Copy(_tokens, start + 1, targets, b * seq, seq);
            _position = start + seq;
        }
        return (inputs, targets);
    }

    /// <summary>Every full window of the data once, for evaluation (at most <paramref name="maxBatches"/> batches; 0: all).</summary>
    public IEnumerable<(int[] Inputs, int[] Targets)> All(int batch, int seq, int maxBatches = 0)
    {
        int saved = _position;
        _position = 0;
        try
        {
            int windows = (_tokens.Length - 1) / seq;
            for (int w = 0, n = 0; w + batch <= windows && (maxBatches == 0 || n < maxBatches); w += batch, n++)
            {
                var next = Next(batch, seq);
                if (_position < w * seq) yield break; // wrapped: every window was seen
                yield return next;
            }
        }
        finally
        {
            _position = saved;
        }
    }

    /// <summary>The first line start at or after <paramref name="position"/> (0 past the last one).</summary>
    private int NextLineStart(int position)
    {
        if (_lineStarts.Length == 0) return position;
        int i = Array.BinarySearch(_lineStarts, position);
        if (i < 0) i = ~i;
        return i < _lineStarts.Length ? _lineStarts[i] : 0;
    }
}
