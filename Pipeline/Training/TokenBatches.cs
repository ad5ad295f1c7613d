using TextGameGen.Inference.Tokenization;

namespace TextGameGen.Pipeline.Training;

/// <summary>A split as one token stream, cut into [batch, seq] inputs with next-token targets.</summary>
public sealed class TokenBatches
{
    private readonly int[] _tokens;
    private int _position;

    public TokenBatches(IEnumerable<string> lines)
    {
        _tokens = lines.SelectMany(l => StoryTokenizer.Shared.Encode(l)).ToArray();
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
            if (_position + seq + 1 > _tokens.Length) _position = 0;
            Array.Copy(_tokens, _position, inputs, b * seq, seq);
            Array.Copy(_tokens, _position + 1, targets, b * seq, seq);
            _position += seq;
        }
        return (inputs, targets);
    }

    /// <summary>Every full window of the data once, for evaluation.</summary>
    public IEnumerable<(int[] Inputs, int[] Targets)> All(int batch, int seq)
    {
        _position = 0;
        int windows = (_tokens.Length - 1) / seq;
        for (int w = 0; w + batch <= windows; w += batch) yield return Next(batch, seq);
        _position = 0;
    }
}
