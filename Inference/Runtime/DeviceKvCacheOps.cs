using Microsoft.ML.OnnxRuntime;
using TextGameGen.Inference.Onnx;

namespace TextGameGen.Inference.Runtime;

/// <summary>
/// Joins and trims KV caches that live in device memory, through two small ONNX graphs run by the same execution
/// provider as the model, so the caches never travel to the host. (On CPU the host copy in <see cref="KvCacheOps"/> is used.)
/// </summary>
internal sealed class DeviceKvCacheOps : IDisposable
{
    private readonly Gpt2Session _owner;
    private readonly InferenceSession _keep;
    private readonly InferenceSession _append;
    private readonly string[] _keepInputs, _keepOutputs, _appendInputs, _appendOutputs;

    public DeviceKvCacheOps(Gpt2Session owner, Func<byte[], InferenceSession> open)
    {
        _owner = owner;
        int n = 2 * owner.Layers;
        _keep = open(CacheOpsGraphWriter.KeepRows(n, owner.IsHalf));
        _append = open(CacheOpsGraphWriter.AppendRows(n, owner.IsHalf));
        _keepInputs = ["rows", "start", .. Enumerable.Range(0, n).Select(j => $"cache.{j}")];
        _keepOutputs = [.. Enumerable.Range(0, n).Select(j => $"kept.{j}")];
        _appendInputs = ["pad_a", "pad_b", .. Enumerable.Range(0, n).Select(j => $"a.{j}"), .. Enumerable.Range(0, n).Select(j => $"b.{j}")];
        _appendOutputs = [.. Enumerable.Range(0, n).Select(j => $"joined.{j}")];
    }

    public void Append(KvCache cache, KvCache other)
    {
        int length = Math.Max(cache.Length, other.Length), batch = cache.Batch + other.Batch;
        using var padA = OrtValue.CreateTensorValueFromMemory(new long[] { 0, 0, length - cache.Length, 0, 0, 0, 0, 0 }, [8]);
        using var padB = OrtValue.CreateTensorValueFromMemory(new long[] { 0, 0, length - other.Length, 0, 0, 0, 0, 0 }, [8]);
        var inputs = new List<OrtValue> { padA, padB };
        inputs.AddRange(Interleave(cache));
        inputs.AddRange(Interleave(other));
        var (keys, values) = Run(_append, _appendInputs, inputs, _appendOutputs, batch, length);
        cache.AdoptAppended(other, keys, values);
        other.Dispose();
    }

    public void Keep(KvCache cache, IReadOnlyList<int> rows, int trim)
    {
        int length = cache.Length - trim;
        using var rowValue = OrtValue.CreateTensorValueFromMemory(rows.Select(r => (long)r).ToArray(), [rows.Count]);
        using var start = OrtValue.CreateTensorValueFromMemory(new long[] { trim }, [1]);
        var inputs = new List<OrtValue> { rowValue, start };
        inputs.AddRange(Interleave(cache));
        var (keys, values) = Run(_keep, _keepInputs, inputs, _keepOutputs, rows.Count, length);
        cache.AdoptKept(rows, trim, keys, values);
    }

    private static IEnumerable<OrtValue> Interleave(KvCache cache)
    {
        for (int i = 0; i < cache.Keys.Length; i++)
        {
            yield return cache.Keys[i];
            yield return cache.Values[i];
        }
    }

    private (OrtValue[] Keys, OrtValue[] Values) Run(InferenceSession session, string[] inputNames, List<OrtValue> inputs, string[] outputNames, int batch, int length)
    {
        var outputs = new OrtValue[outputNames.Length];
        try
        {
            for (int j = 0; j < outputs.Length; j++) outputs[j] = _owner.AllocateCacheTensor(batch, length);
            using var runOptions = new RunOptions();
            session.Run(runOptions, inputNames, inputs, outputNames, outputs);
        }
        catch
        {
            foreach (var o in outputs) if (o is not null) _owner.ReleaseCacheTensor(o);
            throw;
        }
        var keys = new OrtValue[outputs.Length / 2];
        var values = new OrtValue[outputs.Length / 2];
        for (int i = 0; i < keys.Length; i++) { keys[i] = outputs[2 * i]; values[i] = outputs[2 * i + 1]; }
        return (keys, values);
    }

    public void Dispose()
    {
        _keep.Dispose();
        _append.Dispose();
    }
}
