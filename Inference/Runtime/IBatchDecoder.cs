namespace TextGameGen.Inference.Runtime;

/// <summary>The cached keys and values of some rows, as a <see cref="IBatchDecoder"/> hands them out.</summary>
public interface IBatchKv : IDisposable
{
    /// <summary>Rows held.</summary>
    int Rows { get; }

    /// <summary>Cached positions of the longest row (padding included where the layout pads).</summary>
    int Length { get; }

    /// <summary>Padding positions over all positions: what rows of different lengths cost this layout.</summary>
    double PaddingRatio { get; }
}

/// <summary>
/// What the decode loop needs from a model: prefill rows, extend one row chunk by chunk, join and drop rows, and
/// decode one token for every row of a batch. Two layouts implement it: <see cref="Gpt2Session"/> (Hugging Face
/// Optimum's, padded caches that grow each step; CPU and CUDA) and <see cref="SlotBatchDecoder"/> (fixed slots
/// written in place; CPU).
/// </summary>
public interface IBatchDecoder
{
    int VocabularySize { get; }

    /// <summary>Could <paramref name="rows"/> rows of up to <paramref name="length"/> positions be held at once?</summary>
    bool CanHold(int rows, int length);

    /// <summary>Prefills the prompts; writes each row's last-position logits, <c>[rows, vocabulary]</c>.</summary>
    IBatchKv Prefill(IReadOnlyList<IReadOnlyList<int>> prompts, float[] logits, CancellationToken cancellationToken = default);

    /// <summary>A one-row cache with nothing in it, to extend chunk by chunk.</summary>
    IBatchKv EmptyCache();

    /// <summary>Appends a chunk to a one-row cache; writes the logits of its last position.</summary>
    void Extend(IBatchKv cache, IReadOnlyList<int> chunk, float[] logits, CancellationToken cancellationToken = default);

    /// <summary>Keeps the rows at <paramref name="rows"/>, in that order.</summary>
    void KeepRows(IBatchKv cache, IReadOnlyList<int> rows);

    /// <summary>
    /// Keeps the rows at <paramref name="rows"/> (increasing) in whatever order costs the layout least; returns their old
    /// indices in their new order. By default, in their order.
    /// </summary>
    IReadOnlyList<int> KeepRowsInAnyOrder(IBatchKv cache, IReadOnlyList<int> rows)
    {
        KeepRows(cache, rows);
        return rows;
    }

    /// <summary>Appends <paramref name="other"/>'s rows after <paramref name="cache"/>'s; <paramref name="other"/> is used up.</summary>
    void AppendRows(IBatchKv cache, IBatchKv other);

    /// <summary>Appends one token per row and writes the next logits, <c>[rows, vocabulary]</c>.</summary>
    void Decode(IBatchKv cache, ReadOnlySpan<int> tokens, float[] logits, CancellationToken cancellationToken = default);
}
