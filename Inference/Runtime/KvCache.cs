using Microsoft.ML.OnnxRuntime;

namespace TextGameGen.Inference.Runtime;

/// <summary>
/// The key/value cache of a batch of sequences, left-padded to a common length, with the attention
/// mask that tells real positions from padding and each row's next position id.
/// </summary>
public sealed class KvCache : IBatchKv
{
    private readonly Action<OrtValue> _release;

    internal KvCache(int batch, int length, OrtValue[] keys, OrtValue[] values, long[] mask, long[] nextPosition, Action<OrtValue> release)
    {
        _release = release;
        Batch = batch;
        Length = length;
        Keys = keys;
        Values = values;
        Mask = mask;
        NextPosition = nextPosition;
    }

    public int Batch { get; private set; }

    int IBatchKv.Rows => Batch;

    /// <summary>Cached positions per row, padding included.</summary>
    public int Length { get; private set; }

    /// <summary>Per layer, <c>[batch, heads, length, head_dim]</c>.</summary>
    internal OrtValue[] Keys { get; private set; }

    internal OrtValue[] Values { get; private set; }

    /// <summary><c>[batch, length]</c>: 1 for a real position, 0 for padding.</summary>
    internal long[] Mask { get; private set; }

    /// <summary>The position id the next token of each row gets.</summary>
    internal long[] NextPosition { get; private set; }

    /// <summary>Padding slots over all slots: the cost of rows of different lengths sharing a batch.</summary>
    public double PaddingRatio
    {
        get
        {
            if (Mask.Length == 0) return 0;
            long pads = 0;
            foreach (var m in Mask) if (m == 0) pads++;
            return (double)pads / Mask.Length;
        }
    }

    internal void Replace(int batch, int length, OrtValue[] keys, OrtValue[] values, long[] mask, long[] nextPosition)
    {
        DisposeTensors();
        Batch = batch;
        Length = length;
        Keys = keys;
        Values = values;
        Mask = mask;
        NextPosition = nextPosition;
    }

    /// <summary>
    /// Takes new tensors holding this cache's rows followed by <paramref name="other"/>'s, right-aligned to the longer
    /// length, and updates the mask and positions to match.
    /// </summary>
    internal void AdoptAppended(KvCache other, OrtValue[] keys, OrtValue[] values)
    {
        int length = Math.Max(Length, other.Length), batch = Batch + other.Batch;
        var mask = new long[batch * length];
        for (int r = 0; r < Batch; r++)
            Array.Copy(Mask, r * Length, mask, r * length + length - Length, Length);
        for (int r = 0; r < other.Batch; r++)
            Array.Copy(other.Mask, r * other.Length, mask, (Batch + r) * length + length - other.Length, other.Length);
        Replace(batch, length, keys, values, mask, [.. NextPosition, .. other.NextPosition]);
    }

    /// <summary>Takes new tensors holding only <paramref name="rows"/> with <paramref name="trim"/> leading columns dropped.</summary>
    internal void AdoptKept(IReadOnlyList<int> rows, int trim, OrtValue[] keys, OrtValue[] values)
    {
        int length = Length - trim;
        var mask = new long[rows.Count * length];
        var next = new long[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            Array.Copy(Mask, rows[i] * Length + trim, mask, i * length, length);
            next[i] = NextPosition[rows[i]];
        }
        Replace(rows.Count, length, keys, values, mask, next);
    }

    private void DisposeTensors()
    {
        foreach (var k in Keys) _release(k);
        foreach (var v in Values) _release(v);
    }

    public void Dispose()
    {
        DisposeTensors();
        Keys = [];
        Values = [];
    }
}
