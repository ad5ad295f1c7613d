using Microsoft.ML.OnnxRuntime;

namespace TextGameGen.Inference.Runtime;

/// <summary>
/// A session over a slot-cache model (<c>OnnxExportOptions.SlotCache</c>): a fixed number of rows, each with its own
/// length, whose keys and values live in buffers that past and present share, written in place by
/// GroupQueryAttention. Nothing is copied per step and no row is padded to another's length; a row joins by a
/// prefill into the next free slot and leaves by moving the last active row into its slot. Host memory (CPU).
/// </summary>
public sealed partial class SlotKvSession : IDisposable
{
    /// <summary>Token fed at the padded positions of a right-padded prefill (never attended to).</summary>
    public const int PadTokenId = Gpt2Session.PadTokenId;

    private readonly InferenceSession _session;
    private readonly float[][] _keys;
    private readonly float[][] _values;
    private readonly int[] _lengths;
    private readonly string[] _outputNames;
    private readonly int _rowElements;

    private SlotKvSession(InferenceSession session, int capacity, int maxLength)
    {
        _session = session;
        var inputs = session.InputMetadata;
        if (!inputs.ContainsKey("seqlens_k")) throw new InvalidDataException("The model is not a slot-cache model (no seqlens_k input).");
        Layers = inputs.Keys.Count(k => k.StartsWith("past_key_values.", StringComparison.Ordinal) && k.EndsWith(".key", StringComparison.Ordinal));
        var past = inputs["past_key_values.0.key"];
        Heads = past.Dimensions[1];
        HeadDim = past.Dimensions[3];
        VocabularySize = session.OutputMetadata["logits"].Dimensions[2];
        Capacity = capacity;
        MaxLength = maxLength;
        _rowElements = Heads * maxLength * HeadDim;
        _keys = Enumerable.Range(0, Layers).Select(_ => new float[(long)capacity * _rowElements]).ToArray();
        _values = Enumerable.Range(0, Layers).Select(_ => new float[(long)capacity * _rowElements]).ToArray();
        _lengths = new int[capacity];
        _outputNames = ["logits", .. Enumerable.Range(0, Layers).SelectMany(i => new[] { $"present.{i}.key", $"present.{i}.value" })];
    }

    public int Layers { get; }
    public int Heads { get; }
    public int HeadDim { get; }
    public int VocabularySize { get; }
    public int Capacity { get; }
    public int MaxLength { get; }

    /// <summary>Rows in use; they occupy slots 0..ActiveRows-1.</summary>
    public int ActiveRows { get; private set; }

    public int LengthOf(int row) => _lengths[row];

    public static SlotKvSession Open(byte[] model, int capacity, int maxLength, SessionSettings? settings = null)
    {
        settings ??= SessionSettings.Default;
        using var options = settings.CreateOptions();
        // Created on a thread at the settings' nice value, so ONNX Runtime's workers inherit it (as Gpt2Session's do).
        return new SlotKvSession(ThreadNiceness.CreateOnNicedThread(settings.Nice, () => new InferenceSession(model, options)), capacity, maxLength);
    }

    /// <summary>
    /// Prefills a new row in the next free slot; writes its last position's logits at row
    /// <paramref name="logitsRow"/> of <paramref name="logits"/>. Returns the row index.
    /// </summary>
    public int AddRow(IReadOnlyList<int> prompt, float[] logits, int logitsRow = 0, CancellationToken cancellationToken = default)
    {
        if (ActiveRows == Capacity) throw new InvalidOperationException("Every slot is in use.");
        if (prompt.Count == 0 || prompt.Count > MaxLength) throw new ArgumentException($"A prompt has 1..{MaxLength} tokens.", nameof(prompt));
        int row = ActiveRows;
        _lengths[row] = 0;
        Append(row, prompt, logits, logitsRow, cancellationToken);
        ActiveRows++;
        return row;
    }

    /// <summary>
    /// Prefills several new rows in the next free slots in one forward pass (right-padded to the longest prompt;
    /// each row attends over its own tokens only); writes each row's last-position logits from row
    /// <paramref name="logitsRow"/> of <paramref name="logits"/> on. Returns the first new row's index.
    /// </summary>
    public int AddRows(IReadOnlyList<IReadOnlyList<int>> prompts, float[] logits, int logitsRow = 0, CancellationToken cancellationToken = default)
    {
        int k = prompts.Count, first = ActiveRows;
        if (k == 0) throw new ArgumentException("No prompts.", nameof(prompts));
        if (first + k > Capacity) throw new InvalidOperationException($"Only {Capacity - first} slots are free.");
        if (prompts.Any(p => p.Count == 0 || p.Count > MaxLength)) throw new ArgumentException($"A prompt has 1..{MaxLength} tokens.", nameof(prompts));
        int n = prompts.Max(p => p.Count);
        var ids = new long[k * n];
        var positions = new long[k * n];
        var seqlens = new int[k];
        var last = new long[k];
        for (int r = 0; r < k; r++)
        {
            var prompt = prompts[r];
            for (int j = 0; j < n; j++)
            {
                ids[r * n + j] = j < prompt.Count ? prompt[j] : PadTokenId;
                positions[r * n + j] = j;
            }
            seqlens[r] = prompt.Count - 1;
            last[r] = prompt.Count - 1;
        }
        Run(first, k, n, ids, positions, seqlens, last, n, logits, logitsRow, cancellationToken);
        for (int r = 0; r < k; r++) _lengths[first + r] = prompts[r].Count;
        ActiveRows += k;
        return first;
    }

    /// <summary>Appends a chunk of tokens to one active row in one forward pass (a piece of a long prompt).</summary>
    public void ExtendRow(int row, IReadOnlyList<int> chunk, float[] logits, int logitsRow = 0, CancellationToken cancellationToken = default)
    {
        if ((uint)row >= (uint)ActiveRows) throw new ArgumentOutOfRangeException(nameof(row));
        if (chunk.Count == 0) throw new ArgumentException("The chunk is empty.", nameof(chunk));
        if (_lengths[row] + chunk.Count > MaxLength) throw new InvalidOperationException($"Row {row} would pass {MaxLength} tokens.");
        Append(row, chunk, logits, logitsRow, cancellationToken);
    }

    private void Append(int row, IReadOnlyList<int> tokens, float[] logits, int logitsRow, CancellationToken cancellationToken)
    {
        int past = _lengths[row], n = tokens.Count;
        var ids = tokens.Select(t => (long)t).ToArray();
        var positions = Enumerable.Range(past, n).Select(p => (long)p).ToArray();
        // seqlens_k is each row's total length minus one, past and new tokens together.
        Run(row, 1, n, ids, positions, [past + n - 1], [n - 1], past + n, logits, logitsRow, cancellationToken);
        _lengths[row] = past + n;
    }

    /// <summary>Appends one token to every active row and writes the next logits, <c>[rows, vocabulary]</c>.</summary>
    public void Decode(ReadOnlySpan<int> tokens, float[] logits) => Decode(0, tokens, logits);

    /// <summary>
    /// Appends one token to each of the rows <paramref name="firstRow"/> .. + tokens.Length - 1 (a contiguous range of
    /// active rows) and writes their next logits, <c>[rows, vocabulary]</c>.
    /// </summary>
    public void Decode(int firstRow, ReadOnlySpan<int> tokens, float[] logits, CancellationToken cancellationToken = default)
    {
        int rows = tokens.Length;
        if (rows == 0 || firstRow < 0 || firstRow + rows > ActiveRows)
            throw new ArgumentException($"Rows {firstRow}..{firstRow + rows - 1} are not all active ({ActiveRows} are).", nameof(tokens));
        var ids = new long[rows];
        var positions = new long[rows];
        var seqlens = new int[rows];
        int total = 0;
        for (int i = 0; i < rows; i++)
        {
            int r = firstRow + i;
            if (_lengths[r] >= MaxLength) throw new InvalidOperationException($"Row {r} is full ({MaxLength} tokens).");
            ids[i] = tokens[i];
            positions[i] = _lengths[r];
            seqlens[i] = _lengths[r];
            total = Math.Max(total, _lengths[r] + 1);
        }
        Run(firstRow, rows, 1, ids, positions, seqlens, new long[rows], total, logits, 0, cancellationToken);
        for (int i = 0; i < rows; i++) _lengths[firstRow + i]++;
    }

    /// <summary>
    /// Copies slot <paramref name="from"/>'s keys, values and length over slot <paramref name="to"/> (any slot below
    /// <see cref="Capacity"/>, in use or not). The active-row count is unchanged.
    /// </summary>
    public void CopyRow(int from, int to)
    {
        if ((uint)from >= (uint)Capacity) throw new ArgumentOutOfRangeException(nameof(from));
        if ((uint)to >= (uint)Capacity) throw new ArgumentOutOfRangeException(nameof(to));
        if (from == to) return;
        int used = _lengths[from] * HeadDim, stride = MaxLength * HeadDim;
        for (int layer = 0; layer < Layers; layer++)
            for (int h = 0; h < Heads; h++)
            {
                Array.Copy(_keys[layer], (long)from * _rowElements + h * stride, _keys[layer], (long)to * _rowElements + h * stride, used);
                Array.Copy(_values[layer], (long)from * _rowElements + h * stride, _values[layer], (long)to * _rowElements + h * stride, used);
            }
        _lengths[to] = _lengths[from];
    }

    /// <summary>Frees the last rows, keeping <paramref name="rows"/> active.</summary>
    public void Truncate(int rows)
    {
        if (rows < 0 || rows > ActiveRows) throw new ArgumentOutOfRangeException(nameof(rows));
        for (int r = rows; r < ActiveRows; r++) _lengths[r] = 0;
        ActiveRows = rows;
    }

    /// <summary>Frees a row: the last active row moves into its slot (so rows stay 0..ActiveRows-1; its index changes).</summary>
    public void RemoveRow(int row)
    {
        if ((uint)row >= (uint)ActiveRows) throw new ArgumentOutOfRangeException(nameof(row));
        int last = ActiveRows - 1;
        CopyRow(last, row);
        _lengths[last] = 0;
        ActiveRows--;
    }

    private void Run(int firstRow, int rows, int seq, long[] ids, long[] positions, int[] seqlens, long[] lastIndex, int total, float[] logits,
        int logitsRow = 0, CancellationToken cancellationToken = default)
    {
        var names = new List<string>(5 + 2 * Layers) { "input_ids", "seqlens_k", "total_sequence_length", "position_ids", "last_index" };
        var inputs = new List<OrtValue>(5 + 2 * Layers)
        {
            OrtValue.CreateTensorValueFromMemory(ids, [rows, seq]),
            OrtValue.CreateTensorValueFromMemory(seqlens, [rows]),
            OrtValue.CreateTensorValueFromMemory(new[] { total }, []),
            OrtValue.CreateTensorValueFromMemory(positions, [rows, seq]),
            OrtValue.CreateTensorValueFromMemory(lastIndex, [rows]),
        };
        var outputs = new List<OrtValue>(1 + 2 * Layers)
        {
            OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, logits.AsMemory(logitsRow * VocabularySize, rows * VocabularySize), [rows, 1, VocabularySize]),
        };
        long[] shape = [rows, Heads, MaxLength, HeadDim];
        var caches = new List<OrtValue>(2 * Layers);
        for (int layer = 0; layer < Layers; layer++)
        {
            // Past and present are the same tensor: GroupQueryAttention writes the new positions in place.
            var k = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _keys[layer].AsMemory(firstRow * _rowElements, rows * _rowElements), shape);
            var v = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _values[layer].AsMemory(firstRow * _rowElements, rows * _rowElements), shape);
            names.Add($"past_key_values.{layer}.key");
            names.Add($"past_key_values.{layer}.value");
            inputs.Add(k);
            inputs.Add(v);
            outputs.Add(k);
            outputs.Add(v);
            caches.Add(k);
            caches.Add(v);
        }
        try
        {
            CancellableRun.Run(_session, names, inputs, _outputNames, outputs, cancellationToken);
        }
        finally
        {
            for (int i = 0; i < 5; i++) inputs[i].Dispose();
            outputs[0].Dispose();
            foreach (var c in caches) c.Dispose();
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _prefixSession?.Dispose();
    }
}
