using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;

namespace TextGameGen.Inference.Runtime;

/// <summary>
/// The decode loop's view of a <see cref="SlotKvSession"/>: caches are contiguous blocks of slots. A prefill
/// takes the next free slots, a decode step runs one block's slots in one forward pass, and the gaps rows leave are
/// closed (<c>SlotBatchDecoder.Rows.cs</c>). Joining a block to another moves its rows next to the
/// other's, past any block in between (a long prompt being prefilled in chunks). Nothing is padded: every row
/// attends over its own length. One slot is kept free as scratch for those moves. Not thread-safe: the decode
/// loop is its only user.
/// </summary>
public sealed partial class SlotBatchDecoder : IBatchDecoder, IDisposable
{
    private readonly SlotKvSession _session;
    private readonly List<Block> _slots = []; // the block each active slot belongs to, in slot order
    private readonly int _scratch;
    private float[] _reorder = [];

    /// <param name="session">A session whose capacity is the rows to hold plus one scratch slot.</param>
    public SlotBatchDecoder(SlotKvSession session)
    {
        if (session.Capacity < 2) throw new ArgumentException("A slot decoder needs at least two slots (one is scratch).", nameof(session));
        _session = session;
        _scratch = session.Capacity - 1;
    }

    /// <summary>
    /// A slot decoder for a model directory's model: its weights are read back from <paramref name="modelPath"/> and
    /// written as the slot-cache graph (quantized as the file is). Null when the file was not written by our writer (then run it as it is).
    /// With <c>keptPrefixes</c> the model is also loaded in Optimum's layout, so that several prompts with kept openings
    /// are prefilled in one pass (see <see cref="SlotKvSession.AttachPrefixModel"/>; the weights are loaded twice).
    /// </summary>
    public static SlotBatchDecoder? TryOpen(string modelPath, Gpt2Config config, int rows, int maxLength, SessionSettings? settings = null, bool keptPrefixes = false)
    {
        return Gpt2OnnxReader.TryRead(modelPath, config) is var (weights, format)
            ? Create(weights, format, rows, maxLength, settings, keptPrefixes)
            : null;
    }

    /// <summary>A slot decoder over <paramref name="weights"/> stored as <paramref name="format"/> (see <see cref="TryOpen"/>).</summary>
    public static SlotBatchDecoder Create(Gpt2Weights weights, WeightFormat format, int rows, int maxLength, SessionSettings? settings = null, bool keptPrefixes = false)
    {
        var session = SlotKvSession.Open(Gpt2OnnxWriter.ToBytes(weights, new OnnxExportOptions { SlotCache = true, Weights = format }), rows + 1, maxLength, settings);
        if (keptPrefixes) session.AttachPrefixModel(Gpt2OnnxWriter.ToBytes(weights, new OnnxExportOptions { RowLastIndex = true, Weights = format }), settings);
        return new SlotBatchDecoder(session);
    }

    public int VocabularySize => _session.VocabularySize;

    /// <summary>The session under the decoder.</summary>
    public SlotKvSession Session => _session;

    /// <summary>
    /// Kept prompts whose opening later prompts copy rather than compute (see <see cref="PrefixKvCache"/>); null
    /// (the default) prefills every prompt whole.
    /// </summary>
    public PrefixKvCache? Prefixes { get; set; }

    /// <summary>
    /// Several prompts with kept openings admitted together are prefilled in one pass when the session has a prefix
    /// model (<see cref="SlotKvSession.BatchesKeptPrefixes"/>); false runs them one by one (for comparisons).
    /// </summary>
    public bool BatchKeptPrefixes { get; set; } = true;

    /// <summary>Rows that can be held at once.</summary>
    public int RowCapacity => _scratch;

    public int MaxLength => _session.MaxLength;

    public bool CanHold(int rows, int length) => rows <= RowCapacity && length <= MaxLength;

    public IBatchKv Prefill(IReadOnlyList<IReadOnlyList<int>> prompts, float[] logits, CancellationToken cancellationToken = default)
    {
        if (prompts.Count == 0) throw new ArgumentException("No prompts.", nameof(prompts));
        if (_slots.Count + prompts.Count > RowCapacity) throw new InvalidOperationException($"Only {RowCapacity - _slots.Count} of {RowCapacity} slots are free.");
        var block = new Block(this);
        if (Prefixes is null) _session.AddRows(prompts, logits, 0, cancellationToken); // one forward pass for all of them
        else
        {
            int first = _session.ActiveRows;
            try
            {
                PrefillWithPrefixes(Prefixes, prompts, logits, cancellationToken);
            }
            catch
            {
                _session.Truncate(first); // a pass that failed after another succeeded leaves no rows behind
                throw;
            }
        }
        for (int i = 0; i < prompts.Count; i++) _slots.Add(block);
        return block;
    }

    /// <summary>
    /// Prompts that open as a kept prompt did copy those positions and compute the rest: all in one pass through the
    /// session's prefix model when it has one, else a forward pass each (the slot graph's attention takes a past
    /// beside several new positions for one row at a time); the others are prefilled together as usual. The rows are
    /// then put back in the prompts' order, and the prompts kept for those that follow.
    /// </summary>
    private void PrefillWithPrefixes(PrefixKvCache prefixes, IReadOnlyList<IReadOnlyList<int>> prompts, float[] logits, CancellationToken cancellationToken)
    {
        int k = prompts.Count;
        var matches = new PrefixKvCache.Match?[k];
        for (int i = 0; i < k; i++) matches[i] = prefixes.Find(prompts[i], prompts[i].Count - 1);
        var hits = Enumerable.Range(0, k).Where(i => matches[i] is not null).ToList();
        var misses = Enumerable.Range(0, k).Where(i => matches[i] is null).ToList();
        int[] order = [.. misses, .. hits]; // the prompt each new slot holds, in slot order
        bool inOrder = order.Select((prompt, slot) => prompt == slot).All(x => x);
        int v = VocabularySize;
        var into = inOrder ? logits : ReorderBuffer(k * v);
        int first = _session.ActiveRows;
        if (misses.Count > 0) _session.AddRows([.. misses.Select(i => prompts[i])], into, 0, cancellationToken);
        var prefixed = new List<PrefixedPrompt>(hits.Count);
        foreach (int i in hits)
        {
            var match = matches[i]!;
            prefixes.Touch(match.Entry);
            prefixed.Add(new PrefixedPrompt(prompts[i], match.Entry.Data, match.Entry.Tokens.Length, match.Length));
        }
        if (prefixed.Count > 1 && BatchKeptPrefixes && _session.BatchesKeptPrefixes)
            _session.AddRowsAfterPrefixes(prefixed, into, misses.Count, cancellationToken); // one pass for all of them
        else
            for (int h = 0; h < prefixed.Count; h++) _session.AddRowAfterPrefix(prefixed[h], into, misses.Count + h, cancellationToken);
        for (int i = 0; i < k; i++) prefixes.Record(prompts[i].Count, matches[i]?.Length ?? 0);
        if (!inOrder)
        {
            for (int slot = 0; slot < k; slot++) Array.Copy(into, slot * v, logits, order[slot] * v, v);
            PutInOrder(first, order);
        }
        for (int i = 0; i < k; i++)
            if (prefixes.Adds(prompts[i]))
            {
                int row = first + i, length = prompts[i].Count;
                prefixes.Add(prompts[i], _session.PrefixFloats(length), data => _session.ReadPrefix(row, length, data));
            }
    }

    /// <summary>Moves the new rows from <paramref name="first"/> on so that row i holds prompt i (slot j holds order[j] now), cycle by cycle through the scratch slot.</summary>
    private void PutInOrder(int first, int[] order)
    {
        int k = order.Length;
        var at = new int[k]; // where each prompt's row is now
        for (int slot = 0; slot < k; slot++) at[order[slot]] = slot;
        var done = new bool[k];
        for (int start = 0; start < k; start++)
        {
            if (done[start] || at[start] == start) { done[start] = true; continue; }
            // Slot 'start' wants prompt 'start', which sits at at[start]; that slot wants its own prompt, and so on round the cycle.
            _session.CopyRow(first + start, _scratch);
            int slot = start;
            while (true)
            {
                done[slot] = true;
                int source = at[slot];
                if (source == start) { _session.CopyRow(_scratch, first + slot); break; }
                _session.CopyRow(first + source, first + slot);
                slot = source;
            }
        }
    }

    private float[] ReorderBuffer(int floats)
    {
        if (_reorder.Length < floats) _reorder = new float[floats];
        return _reorder;
    }

    public IBatchKv EmptyCache() => new Block(this);

    public void Extend(IBatchKv cache, IReadOnlyList<int> chunk, float[] logits, CancellationToken cancellationToken = default)
    {
        var block = Own(cache);
        if (block.Rows == 0)
        {
            if (_slots.Count >= RowCapacity) throw new InvalidOperationException($"All {RowCapacity} slots are in use.");
            // A long prompt's first chunk may open as a kept prompt did, too.
            if (Prefixes?.Find(chunk, chunk.Count - 1) is { } match)
            {
                Prefixes.Touch(match.Entry);
                Prefixes.Record(chunk.Count, match.Length);
                _session.AddRowAfterPrefix(new PrefixedPrompt(chunk, match.Entry.Data, match.Entry.Tokens.Length, match.Length), logits, 0, cancellationToken);
            }
            else _session.AddRow(chunk, logits, 0, cancellationToken);
            _slots.Add(block);
            return;
        }
        if (block.Rows != 1) throw new ArgumentException("Extend works on a one-row cache.", nameof(cache));
        _session.ExtendRow(block.Start, chunk, logits, 0, cancellationToken);
    }

    public void Decode(IBatchKv cache, ReadOnlySpan<int> tokens, float[] logits, CancellationToken cancellationToken = default)
    {
        var block = Own(cache);
        if (tokens.Length != block.Rows) throw new ArgumentException($"Expected {block.Rows} tokens, got {tokens.Length}.", nameof(tokens));
        _session.Decode(block.Start, tokens, logits, cancellationToken);
    }

    public void Dispose() { _session.Dispose(); Prefixes?.Dispose(); }

    private Block Own(IBatchKv cache) => cache is Block b && b.Owner == this && !b.IsDisposed
        ? b
        : throw new ArgumentException("The cache is not a live cache of this decoder.", nameof(cache));

    /// <summary>A contiguous run of slots owned by one cache handle.</summary>
    private sealed class Block(SlotBatchDecoder owner) : IBatchKv
    {
        public SlotBatchDecoder Owner { get; } = owner;

        public bool IsDisposed { get; private set; }

        public int Start => Owner._slots.IndexOf(this);

        public int Rows => Owner._slots.Count(b => b == this);

        public int Length
        {
            get
            {
                int length = 0;
                for (int s = 0; s < Owner._slots.Count; s++)
                    if (Owner._slots[s] == this) length = Math.Max(length, Owner._session.LengthOf(s));
                return length;
            }
        }

        public double PaddingRatio => 0;

        public void Dispose()
        {
            if (IsDisposed) return;
            Owner.Remove(this);
            IsDisposed = true;
        }
    }
}
