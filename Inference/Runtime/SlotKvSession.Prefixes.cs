using System.Buffers;
using Microsoft.ML.OnnxRuntime;

namespace TextGameGen.Inference.Runtime;

/// <summary>Rows that start from a kept prompt's keys and values (see <see cref="PrefixKvCache"/>).</summary>
public sealed partial class SlotKvSession
{
    private InferenceSession? _prefixSession;

    /// <summary>True when <see cref="AddRowsAfterPrefixes"/> can prefill several rows with kept openings in one pass.</summary>
    public bool BatchesKeptPrefixes => _prefixSession is not null;

    /// <summary>
    /// Gives the session the same model in Optimum's layout with per-row last indices
    /// (<c>OnnxExportOptions.RowLastIndex</c>), for <see cref="AddRowsAfterPrefixes"/>: its attention takes a past
    /// beside several new positions for many rows at once, where the slot graph's takes them for one row.
    /// </summary>
    public void AttachPrefixModel(byte[] model, SessionSettings? settings = null)
    {
        settings ??= SessionSettings.Default;
        using var options = settings.CreateOptions();
        var session = ThreadNiceness.CreateOnNicedThread(settings.Nice, () => new InferenceSession(model, options));
        if (!session.InputMetadata.ContainsKey("last_index") || !session.InputMetadata.ContainsKey("attention_mask"))
        {
            session.Dispose();
            throw new InvalidDataException("The prefix model needs Optimum's layout with a last_index input.");
        }
        _prefixSession?.Dispose();
        _prefixSession = session;
    }
    /// <summary>Floats that <see cref="ReadPrefix"/> writes for <paramref name="length"/> positions.</summary>
    public int PrefixFloats(int length) => Layers * 2 * Heads * length * HeadDim;

    /// <summary>
    /// Copies the first <paramref name="length"/> positions of a row's keys and values into <paramref name="into"/>:
    /// per layer, keys then values, per head, <paramref name="length"/> x head size floats.
    /// </summary>
    public void ReadPrefix(int row, int length, Span<float> into)
    {
        if ((uint)row >= (uint)ActiveRows) throw new ArgumentOutOfRangeException(nameof(row));
        if (length < 1 || length > _lengths[row]) throw new ArgumentOutOfRangeException(nameof(length), $"Row {row} holds {_lengths[row]} positions.");
        if (into.Length < PrefixFloats(length)) throw new ArgumentException("The array is too short.", nameof(into));
        int used = length * HeadDim, stride = MaxLength * HeadDim, at = 0;
        for (int layer = 0; layer < Layers; layer++)
            foreach (var cache in (float[][])[_keys[layer], _values[layer]])
                for (int h = 0; h < Heads; h++, at += used)
                    cache.AsSpan(checked((int)((long)row * _rowElements + h * stride)), used).CopyTo(into.Slice(at, used));
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

    /// <summary>
    /// Adds one row per prompt in the next free slots, each starting from its kept prefix's first
    /// <see cref="PrefixedPrompt.Reuse"/> positions, with every prompt's rest computed in one forward pass of the
    /// attached prefix model (see <see cref="AttachPrefixModel"/>): the kept positions go in as a left-padded past,
    /// the rests right-padded to the longest, each row masked to its own. Writes each row's last-position logits from
    /// row <paramref name="logitsRow"/> on. Returns the first new row's index.
    /// </summary>
    public int AddRowsAfterPrefixes(IReadOnlyList<PrefixedPrompt> prompts, float[] logits, int logitsRow = 0, CancellationToken cancellationToken = default)
    {
        var session = _prefixSession ?? throw new InvalidOperationException("No prefix model is attached.");
        int k = prompts.Count, first = ActiveRows;
        if (k == 0) throw new ArgumentException("No prompts.", nameof(prompts));
        if (first + k > Capacity) throw new InvalidOperationException($"Only {Capacity - first} slots are free.");
        foreach (var p in prompts)
        {
            if (p.Prompt.Count > MaxLength) throw new ArgumentException($"A prompt has 1..{MaxLength} tokens.", nameof(prompts));
            if (p.Reuse < 1 || p.Reuse > p.PrefixLength || p.Reuse >= p.Prompt.Count)
                throw new ArgumentException("Each row copies 1 to its prefix's positions and computes at least one.", nameof(prompts));
        }
        int past = prompts.Max(p => p.Reuse), fresh = prompts.Max(p => p.Prompt.Count - p.Reuse), total = past + fresh;
        var ids = new long[k * fresh];
        var positions = new long[k * fresh];
        var mask = new long[k * total];
        var last = new long[k];
        for (int r = 0; r < k; r++)
        {
            var p = prompts[r];
            int n = p.Prompt.Count - p.Reuse;
            for (int j = 0; j < fresh; j++)
            {
                ids[r * fresh + j] = j < n ? p.Prompt[p.Reuse + j] : PadTokenId;
                positions[r * fresh + j] = j < n ? p.Reuse + j : 0;
            }
            for (int t = past - p.Reuse; t < past + n; t++) mask[r * total + t] = 1;
            last[r] = n - 1;
        }

        int pastRow = Heads * past * HeadDim, totalRow = Heads * total * HeadDim;
        var rented = new List<float[]>(4 * Layers);
        var names = new List<string>(4 + 2 * Layers) { "input_ids", "attention_mask", "position_ids", "last_index" };
        var inputs = new List<OrtValue>(4 + 2 * Layers)
        {
            OrtValue.CreateTensorValueFromMemory(ids, [k, fresh]),
            OrtValue.CreateTensorValueFromMemory(mask, [k, total]),
            OrtValue.CreateTensorValueFromMemory(positions, [k, fresh]),
            OrtValue.CreateTensorValueFromMemory(last, [k]),
        };
        var outputs = new List<OrtValue>(1 + 2 * Layers)
        {
            OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, logits.AsMemory(logitsRow * VocabularySize, k * VocabularySize), [k, 1, VocabularySize]),
        };
        var presents = new float[2 * Layers][];
        try
        {
            for (int layer = 0; layer < Layers; layer++)
                for (int kind = 0; kind < 2; kind++)
                {
                    var pastValues = ArrayPool<float>.Shared.Rent(k * pastRow);
                    rented.Add(pastValues);
                    Array.Clear(pastValues, 0, k * pastRow);
                    for (int r = 0; r < k; r++)
                    {
                        var p = prompts[r];
                        int stored = p.PrefixLength * HeadDim, used = p.Reuse * HeadDim;
                        for (int h = 0; h < Heads; h++)
                            p.Prefix.Span.Slice(((layer * 2 + kind) * Heads + h) * stored, used).CopyTo(pastValues.AsSpan(r * pastRow + (h * past + past - p.Reuse) * HeadDim, used));
                    }
                    var present = ArrayPool<float>.Shared.Rent(k * totalRow);
                    rented.Add(present);
                    presents[layer * 2 + kind] = present;
                    names.Add($"past_key_values.{layer}.{(kind == 0 ? "key" : "value")}");
                    inputs.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, pastValues.AsMemory(0, k * pastRow), [k, Heads, past, HeadDim]));
                    outputs.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, present.AsMemory(0, k * totalRow), [k, Heads, total, HeadDim]));
                }
            CancellableRun.Run(session, names, inputs, _outputNames, outputs, cancellationToken); // the same outputs as the slot graph's

            // Each row's slot: its kept positions, then its own new positions from the present (after the padded past).
            int stride = MaxLength * HeadDim;
            for (int r = 0; r < k; r++)
            {
                var p = prompts[r];
                int slot = first + r, n = p.Prompt.Count - p.Reuse;
                WritePrefix(slot, p);
                for (int layer = 0; layer < Layers; layer++)
                    for (int kind = 0; kind < 2; kind++)
                    {
                        var cache = kind == 0 ? _keys[layer] : _values[layer];
                        var present = presents[layer * 2 + kind];
                        for (int h = 0; h < Heads; h++)
                            Array.Copy(present, r * totalRow + (h * total + past) * HeadDim, cache, (long)slot * _rowElements + h * stride + p.Reuse * HeadDim, n * HeadDim);
                    }
                _lengths[slot] = p.Reuse + n;
            }
        }
        catch
        {
            for (int r = 0; r < k; r++) _lengths[first + r] = 0;
            throw;
        }
        finally
        {
            foreach (var value in inputs) value.Dispose();
            foreach (var value in outputs) value.Dispose();
            foreach (var array in rented) ArrayPool<float>.Shared.Return(array);
        }
        ActiveRows += k;
        return first;
    }

    private void WritePrefix(int slot, PrefixedPrompt p)
    {
        int used = p.Reuse * HeadDim, stored = p.PrefixLength * HeadDim, stride = MaxLength * HeadDim, at = 0;
        for (int layer = 0; layer < Layers; layer++)
            foreach (var cache in (float[][])[_keys[layer], _values[layer]])
                for (int h = 0; h < Heads; h++, at += stored)
                    p.Prefix.Span.Slice(at, used).CopyTo(cache.AsSpan(checked((int)((long)slot * _rowElements + h * stride)), used));
        _lengths[slot] = p.Reuse;
    }
}

/// <summary>
/// A prompt whose first <see cref="Reuse"/> positions come from <see cref="Prefix"/>, the keys and values of
/// <see cref="PrefixLength"/> positions as <see cref="SlotKvSession.ReadPrefix"/> wrote them.
/// </summary>
public readonly record struct PrefixedPrompt(IReadOnlyList<int> Prompt, ReadOnlyMemory<float> Prefix, int PrefixLength, int Reuse);
