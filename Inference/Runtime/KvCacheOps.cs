using Microsoft.ML.OnnxRuntime;

namespace TextGameGen.Inference.Runtime;

/// <summary>
/// Reshapes batches of KV caches on the host: rows join (left-padded to a common length) and leave
/// (with padding that no remaining row needs trimmed away). Padding is zero-filled and masked out.
/// </summary>
internal static class KvCacheOps
{
    /// <summary>Appends <paramref name="other"/>'s rows to <paramref name="cache"/>; <paramref name="other"/> is disposed.</summary>
    public static void Append(Gpt2Session session, KvCache cache, KvCache other)
    {
        int length = Math.Max(cache.Length, other.Length);
        int batch = cache.Batch + other.Batch;
        var keys = new OrtValue[session.Layers];
        var values = new OrtValue[session.Layers];
        for (int layer = 0; layer < session.Layers; layer++)
        {
            keys[layer] = Allocate(session, batch, length);
            values[layer] = Allocate(session, batch, length);
            CopyRows(session, cache.Keys[layer], cache.Length, 0, cache.Batch, keys[layer], length, 0, 0);
            CopyRows(session, other.Keys[layer], other.Length, 0, other.Batch, keys[layer], length, cache.Batch, 0);
            CopyRows(session, cache.Values[layer], cache.Length, 0, cache.Batch, values[layer], length, 0, 0);
            CopyRows(session, other.Values[layer], other.Length, 0, other.Batch, values[layer], length, cache.Batch, 0);
        }
        cache.AdoptAppended(other, keys, values);
        other.Dispose();
    }

    /// <summary>Leading columns that are padding in every one of <paramref name="rows"/>.</summary>
    public static int CommonLeadingPadding(KvCache cache, IReadOnlyList<int> rows)
    {
        int trim = cache.Length;
        foreach (int r in rows)
        {
            int lead = 0;
            while (lead < cache.Length && cache.Mask[r * cache.Length + lead] == 0) lead++;
            trim = Math.Min(trim, lead);
        }
        return trim;
    }

    /// <summary>Keeps only <paramref name="rows"/> (in that order) and drops <paramref name="trim"/> leading columns.</summary>
    public static void Keep(Gpt2Session session, KvCache cache, IReadOnlyList<int> rows, int trim)
    {
        int length = cache.Length - trim;
        var keys = new OrtValue[session.Layers];
        var values = new OrtValue[session.Layers];
        for (int layer = 0; layer < session.Layers; layer++)
        {
            keys[layer] = Allocate(session, rows.Count, length);
            values[layer] = Allocate(session, rows.Count, length);
            for (int i = 0; i < rows.Count; i++)
            {
                CopyRows(session, cache.Keys[layer], cache.Length, rows[i], 1, keys[layer], length, i, trim);
                CopyRows(session, cache.Values[layer], cache.Length, rows[i], 1, values[layer], length, i, trim);
            }
        }
        cache.AdoptKept(rows, trim, keys, values);
    }

    private static OrtValue Allocate(Gpt2Session session, int batch, int length)
    {
        var value = session.AllocateCacheTensor(batch, length);
        value.GetTensorMutableRawData().Clear();
        return value;
    }

    /// <summary>
    /// Copies <paramref name="count"/> rows starting at <paramref name="sourceRow"/> into the destination from
    /// <paramref name="destinationRow"/>, right-aligned (left padding), skipping <paramref name="skipColumns"/> leading source columns.
    /// </summary>
    private static void CopyRows(Gpt2Session session, OrtValue source, int sourceLength, int sourceRow, int count,
        OrtValue destination, int destinationLength, int destinationRow, int skipColumns)
    {
        int elementSize = session.IsHalf ? 2 : 4;
        int columnBytes = session.HeadDim * elementSize;
        int copyColumns = sourceLength - skipColumns;
        if (copyColumns <= 0) return;
        var src = source.GetTensorMutableRawData();
        var dst = destination.GetTensorMutableRawData();
        for (int r = 0; r < count; r++)
        {
            for (int h = 0; h < session.Heads; h++)
            {
                long srcOffset = (((long)(sourceRow + r) * session.Heads + h) * sourceLength + skipColumns) * columnBytes;
                long dstOffset = (((long)(destinationRow + r) * session.Heads + h) * destinationLength + destinationLength - copyColumns) * columnBytes;
                src.Slice((int)srcOffset, copyColumns * columnBytes).CopyTo(dst.Slice((int)dstOffset, copyColumns * columnBytes));
            }
        }
    }
}
