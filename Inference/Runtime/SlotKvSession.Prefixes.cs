namespace TextGameGen.Inference.Runtime;

/// <summary>Rows that start from a kept prompt's keys and values (see <see cref="PrefixKvCache"/>).</summary>
public sealed partial class SlotKvSession
{
    /// <summary>Floats that <see cref="ReadPrefix"/> writes for <paramref name="length"/> positions.</summary>
    public int PrefixFloats(int length) => Layers * 2 * Heads * length * HeadDim;

    /// <summary>
    /// Copies the first <paramref name="length"/> positions of a row's keys and values into <paramref name="into"/>:
    /// per layer, keys then values, per head, <paramref name="length"/> x head size floats.
    /// </summary>
    public void ReadPrefix(int row, int length, float[] into)
    {
        if ((uint)row >= (uint)ActiveRows) throw new ArgumentOutOfRangeException(nameof(row));
        if (length < 1 || length > _lengths[row]) throw new ArgumentOutOfRangeException(nameof(length), $"Row {row} holds {_lengths[row]} positions.");
        if (into.Length < PrefixFloats(length)) throw new ArgumentException("The array is too short.", nameof(into));
        int used = length * HeadDim, stride = MaxLength * HeadDim, at = 0;
        for (int layer = 0; layer < Layers; layer++)
            foreach (var cache in (float[][])[_keys[layer], _values[layer]])
                for (int h = 0; h < Heads; h++, at += used)
                    Array.Copy(cache, (long)row * _rowElements + h * stride, into, at, used);
    }

    /// <summary>
    /// Adds a row in the next free slot whose first <see cref="PrefixedPrompt.Reuse"/> positions are copied from a kept
    /// prefix (see <see cref="ReadPrefix"/>) and whose rest is prefilled in one forward pass; writes its last
    /// position's logits at row <paramref name="logitsRow"/>. Returns the row index. One row per pass: ONNX Runtime's
    /// attention takes several new positions after a past for a batch of one only.
    /// </summary>
    public int AddRowAfterPrefix(PrefixedPrompt prompt, float[] logits, int logitsRow = 0, CancellationToken cancellationToken = default)
    {
        if (ActiveRows == Capacity) throw new InvalidOperationException("Every slot is in use.");
        if (prompt.Prompt.Count > MaxLength) throw new ArgumentException($"A prompt has 1..{MaxLength} tokens.", nameof(prompt));
        if (prompt.Reuse < 0 || prompt.Reuse > prompt.PrefixLength || prompt.Reuse >= prompt.Prompt.Count)
            throw new ArgumentException("A row copies at most its prefix's positions and computes at least one.", nameof(prompt));
        int row = ActiveRows;
        WritePrefix(row, prompt);
        try
        {
            Append(row, [.. prompt.Prompt.Skip(prompt.Reuse)], logits, logitsRow, cancellationToken);
        }
        catch
        {
            _lengths[row] = 0;
            throw;
        }
        ActiveRows++;
        return row;
    }

    private void WritePrefix(int slot, PrefixedPrompt p)
    {
        int used = p.Reuse * HeadDim, stored = p.PrefixLength * HeadDim, stride = MaxLength * HeadDim, at = 0;
        for (int layer = 0; layer < Layers; layer++)
            foreach (var cache in (float[][])[_keys[layer], _values[layer]])
                for (int h = 0; h < Heads; h++, at += stored)
                    Array.Copy(p.Prefix, at, cache, (long)slot * _rowElements + h * stride, used);
        _lengths[slot] = p.Reuse;
    }
}

/// <summary>
/// A prompt whose first <see cref="Reuse"/> positions come from <see cref="Prefix"/>, the keys and values of
/// <see cref="PrefixLength"/> positions as <see cref="SlotKvSession.ReadPrefix"/> wrote them.
/// </summary>
public readonly record struct PrefixedPrompt(IReadOnlyList<int> Prompt, float[] Prefix, int PrefixLength, int Reuse);
