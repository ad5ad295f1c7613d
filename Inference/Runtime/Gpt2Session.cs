using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TextGameGen.Contracts.Tokenization;

namespace TextGameGen.Inference.Runtime;

/// <summary>
/// One ONNX Runtime session over a GPT-2 decoder in Optimum's layout; create once and share.
/// Runs batched prefill (rows of different lengths, left-padded) and single-token decode steps over a
/// <see cref="KvCache"/>. Copies out only the last position's logits.
/// </summary>
public sealed partial class Gpt2Session : IBatchDecoder, IDisposable
{
    /// <summary>Token id that fills the padding of shorter rows (masked out, so any id would do).</summary>
    public const int PadTokenId = StoryTokens.EndOfTextId;

    private readonly InferenceSession _session;
    private readonly string[] _outputNames;
    private readonly bool _lastPositionLogits;
    private readonly bool _halfLogits;
    private OrtAllocator _cacheAllocator = OrtAllocator.DefaultInstance;
    private DeviceKvCacheOps? _deviceOps;
    private readonly HostTensorPool _hostPool = new();

    private Gpt2Session(InferenceSession session, ExecutionDevice device)
    {
        _session = session;
        ActiveDevice = device;
        var inputs = session.InputMetadata;
        Layers = inputs.Keys.Count(k => k.StartsWith("past_key_values.", StringComparison.Ordinal) && k.EndsWith(".key", StringComparison.Ordinal));
        if (Layers == 0 || !inputs.ContainsKey("input_ids") || !inputs.ContainsKey("attention_mask") || !inputs.ContainsKey("position_ids"))
            throw new InvalidDataException("The model is not a GPT-2 decoder with a KV cache (expected input_ids, attention_mask, position_ids and past_key_values.*).");
        var past = inputs["past_key_values.0.key"];
        Heads = past.Dimensions[1];
        HeadDim = past.Dimensions[3];
        IsHalf = past.ElementDataType == TensorElementType.Float16;
        var logits = session.OutputMetadata["logits"];
        VocabularySize = logits.Dimensions[2];
        _lastPositionLogits = logits.Dimensions[1] == 1;
        _halfLogits = logits.ElementDataType == TensorElementType.Float16;
        _outputNames = ["logits", .. Enumerable.Range(0, Layers).SelectMany(i => new[] { $"present.{i}.key", $"present.{i}.value" })];
    }

    public int Layers { get; }
    public int Heads { get; }
    public int HeadDim { get; }
    public int VocabularySize { get; }
    public bool IsHalf { get; }
    public ExecutionDevice ActiveDevice { get; }

    /// <summary>Opens a model file (or bytes). CUDA falls back to CPU, saying so through <paramref name="log"/>, when it cannot start.</summary>
    public static Gpt2Session Open(string modelPath, SessionSettings? settings = null, Action<string>? log = null) =>
        Create(settings ?? SessionSettings.Default, log, options => new InferenceSession(modelPath, options));

    public static Gpt2Session Open(byte[] model, SessionSettings? settings = null, Action<string>? log = null) =>
        Create(settings ?? SessionSettings.Default, log, options => new InferenceSession(model, options));

    private static Gpt2Session Create(SessionSettings settings, Action<string>? log, Func<SessionOptions, InferenceSession> open)
    {
        var device = settings.Device;
        using var options = settings.CreateOptions();
        if (device == ExecutionDevice.Cuda)
        {
            try
            {
                options.AppendExecutionProvider_CUDA(settings.CudaDeviceId);
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
            {
                log?.Invoke($"CUDA is not available ({ex.Message.Split('\n')[0]}); running on CPU.");
                device = ExecutionDevice.Cpu;
            }
        }
        var session = new Gpt2Session(ThreadNiceness.CreateOnNicedThread(settings.Nice, () => open(options)), device);
        if (settings.DeviceResidentCache ?? device == ExecutionDevice.Cuda)
        {
            session._cacheAllocator = device == ExecutionDevice.Cuda
                ? new OrtAllocator(session._session, new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, settings.CudaDeviceId, OrtMemType.Default))
                : OrtAllocator.DefaultInstance;
            session._deviceOps = new DeviceKvCacheOps(session, bytes => new InferenceSession(bytes, options));
        }
        return session;
    }

    /// <summary>Whether KV caches stay in the execution provider's memory (see <see cref="SessionSettings.DeviceResidentCache"/>).</summary>
    public bool HasDeviceResidentCache => _deviceOps is not null;

    /// <summary>Appends <paramref name="other"/>'s rows to <paramref name="cache"/> (left-padding the shorter); disposes <paramref name="other"/>.</summary>
    public void AppendRows(KvCache cache, KvCache other)
    {
        if (_deviceOps is not null) _deviceOps.Append(cache, other);
        else KvCacheOps.Append(this, cache, other);
    }

    /// <summary>Keeps <paramref name="rows"/> (in that order) and trims leading columns that are padding in all of them.</summary>
    public void KeepRows(KvCache cache, IReadOnlyList<int> rows)
    {
        int trim = KvCacheOps.CommonLeadingPadding(cache, rows);
        if (_deviceOps is not null) _deviceOps.Keep(cache, rows, trim);
        else KvCacheOps.Keep(this, cache, rows, trim);
    }

    internal OrtValue AllocateCacheTensor(int batch, int length) => _deviceOps is not null
        ? OrtValue.CreateAllocatedTensorValue(_cacheAllocator, CacheElementType, [batch, Heads, length, HeadDim])
        : _hostPool.Rent(IsHalf, [batch, Heads, length, HeadDim]);

    /// <summary>Disposes a cache tensor, returning pooled host memory for reuse.</summary>
    internal void ReleaseCacheTensor(OrtValue value) => _hostPool.Release(value);

    /// <summary>
    /// Runs the prompts as one left-padded batch with an empty past. Writes each row's last-position logits to
    /// <paramref name="logits"/> (<c>[rows, vocabulary]</c>) and returns the cache to decode from.
    /// </summary>
    public KvCache Prefill(IReadOnlyList<IReadOnlyList<int>> prompts, float[] logits, CancellationToken cancellationToken = default)
    {
        int batch = prompts.Count;
        if (batch == 0) throw new ArgumentException("No prompts.", nameof(prompts));
        int length = prompts.Max(p => p.Count);
        if (prompts.Any(p => p.Count == 0)) throw new ArgumentException("A prompt is empty.", nameof(prompts));
        var ids = new long[batch * length];
        var mask = new long[batch * length];
        var positions = new long[batch * length];
        var next = new long[batch];
        for (int b = 0; b < batch; b++)
        {
            var prompt = prompts[b];
            int pad = length - prompt.Count;
            for (int j = 0; j < length; j++)
            {
                bool real = j >= pad;
                ids[b * length + j] = real ? prompt[j - pad] : PadTokenId;
                mask[b * length + j] = real ? 1 : 0;
                positions[b * length + j] = real ? j - pad : 0;
            }
            next[b] = prompt.Count;
        }
        var empty = EmptyPast(batch);
        try
        {
            var (keys, values) = Run(batch, length, ids, mask, positions, empty.Keys, empty.Values, logits, cancellationToken);
            return new KvCache(batch, length, keys, values, mask, next, ReleaseCacheTensor);
        }
        finally
        {
            empty.Dispose();
        }
    }

    /// <summary>Appends one token per row to the cache and writes the next logits, <c>[rows, vocabulary]</c>.</summary>
    public void Decode(KvCache cache, ReadOnlySpan<int> tokens, float[] logits, CancellationToken cancellationToken = default)
    {
        int batch = cache.Batch, length = cache.Length + 1;
        if (tokens.Length != batch) throw new ArgumentException($"Expected {batch} tokens, got {tokens.Length}.", nameof(tokens));
        var ids = new long[batch];
        var positions = new long[batch];
        var mask = new long[batch * length];
        var next = new long[batch];
        for (int b = 0; b < batch; b++)
        {
            ids[b] = tokens[b];
            positions[b] = cache.NextPosition[b];
            next[b] = cache.NextPosition[b] + 1;
            Array.Copy(cache.Mask, b * cache.Length, mask, b * length, cache.Length);
            mask[b * length + length - 1] = 1;
        }
        var (keys, values) = Run(batch, 1, ids, mask, positions, cache.Keys, cache.Values, logits, cancellationToken);
        cache.Replace(batch, length, keys, values, mask, next);
    }

    /// <summary>
    /// Appends several tokens to a one-row cache in one forward pass (a chunk of a long prompt), writing the
    /// logits of the chunk's last position. Lets a long prompt be prefilled in pieces between decode steps.
    /// </summary>
    public void Extend(KvCache cache, IReadOnlyList<int> chunk, float[] logits, CancellationToken cancellationToken = default)
    {
        if (cache.Batch != 1) throw new ArgumentException("Extend works on a one-row cache.", nameof(cache));
        int n = chunk.Count, length = cache.Length + n;
        if (n == 0) throw new ArgumentException("The chunk is empty.", nameof(chunk));
        var ids = chunk.Select(t => (long)t).ToArray();
        var positions = Enumerable.Range(0, n).Select(i => cache.NextPosition[0] + i).ToArray();
        var mask = new long[length];
        Array.Copy(cache.Mask, mask, cache.Length);
        Array.Fill(mask, 1L, cache.Length, n);
        var (keys, values) = Run(1, n, ids, mask, positions, cache.Keys, cache.Values, logits, cancellationToken);
        cache.Replace(1, length, keys, values, mask, [cache.NextPosition[0] + n]);
    }

    /// <summary>An empty cache of <paramref name="batch"/> rows, to extend chunk by chunk.</summary>
    public KvCache EmptyCache(int batch = 1) => EmptyPast(batch);

    // The decode loop's view: the caches this session hands out are KvCaches, and grow with the batch (the loop's
    // own token budget bounds them).
    bool IBatchDecoder.CanHold(int rows, int length) => true;

    IBatchKv IBatchDecoder.Prefill(IReadOnlyList<IReadOnlyList<int>> prompts, float[] logits, CancellationToken cancellationToken) => Prefill(prompts, logits, cancellationToken);

    IBatchKv IBatchDecoder.EmptyCache() => EmptyCache();

    void IBatchDecoder.Extend(IBatchKv cache, IReadOnlyList<int> chunk, float[] logits, CancellationToken cancellationToken) => Extend((KvCache)cache, chunk, logits, cancellationToken);

    void IBatchDecoder.KeepRows(IBatchKv cache, IReadOnlyList<int> rows) => KeepRows((KvCache)cache, rows);

    void IBatchDecoder.AppendRows(IBatchKv cache, IBatchKv other) => AppendRows((KvCache)cache, (KvCache)other);

    void IBatchDecoder.Decode(IBatchKv cache, ReadOnlySpan<int> tokens, float[] logits, CancellationToken cancellationToken) => Decode((KvCache)cache, tokens, logits, cancellationToken);

    internal TensorElementType CacheElementType => IsHalf ? TensorElementType.Float16 : TensorElementType.Float;

    /// <summary>
    /// Logits for every position of one sequence, <c>[tokens, vocabulary]</c> (for perplexity). Needs a graph whose
    /// logits cover all positions, as Optimum exports and <c>LogitsScope.AllPositions</c> builds.
    /// </summary>
    public float[] AllPositionLogits(IReadOnlyList<int> tokens, CancellationToken cancellationToken = default)
    {
        if (_lastPositionLogits) throw new InvalidOperationException("This model computes the last position's logits only.");
        int seq = tokens.Count;
        var ids = tokens.Select(t => (long)t).ToArray();
        var mask = Enumerable.Repeat(1L, seq).ToArray();
        var positions = Enumerable.Range(0, seq).Select(p => (long)p).ToArray();
        var logits = new float[seq * VocabularySize];
        using var empty = EmptyPast(1);
        var (keys, values) = Run(1, seq, ids, mask, positions, empty.Keys, empty.Values, logits, cancellationToken, allPositions: true);
        foreach (var k in keys) ReleaseCacheTensor(k);
        foreach (var v in values) ReleaseCacheTensor(v);
        return logits;
    }

    private KvCache EmptyPast(int batch)
    {
        var elementType = IsHalf ? TensorElementType.Float16 : TensorElementType.Float;
        long[] shape = [batch, Heads, 0, HeadDim];
        var keys = new OrtValue[Layers];
        var values = new OrtValue[Layers];
        for (int i = 0; i < Layers; i++)
        {
            keys[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, elementType, shape);
            values[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, elementType, shape);
        }
        return new KvCache(batch, 0, keys, values, [], new long[batch], ReleaseCacheTensor);
    }

    public void Dispose()
    {
        _deviceOps?.Dispose();
        if (!ReferenceEquals(_cacheAllocator, OrtAllocator.DefaultInstance)) _cacheAllocator.Dispose();
        _session.Dispose();
    }
}
