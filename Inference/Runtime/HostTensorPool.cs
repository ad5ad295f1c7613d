using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace TextGameGen.Inference.Runtime;

/// <summary>
/// Host tensors backed by pooled managed arrays. Every decode step makes new KV tensors one position longer;
/// fresh native allocations of that size come from new pages each time, and the page faults cost more than the
/// copy itself. Pooled arrays stay resident and are reused step after step.
/// </summary>
internal sealed class HostTensorPool
{
    // A batch holds two tensors per layer and a step makes as many new ones, so buckets must hold hundreds of arrays.
    private const int MaxArraysPerBucket = 512;
    private const int MaxArrayLength = 1 << 30;
    private readonly ConcurrentDictionary<OrtValue, Array> _leases = new(ReferenceEqualityComparer.Instance);
    private readonly ArrayPool<float> _floats = ArrayPool<float>.Create(MaxArrayLength, MaxArraysPerBucket);
    private readonly ArrayPool<Float16> _halves = ArrayPool<Float16>.Create(MaxArrayLength, MaxArraysPerBucket);

    public OrtValue Rent(bool half, long[] shape)
    {
        int count = checked((int)NamedTensorCount(shape));
        if (half)
        {
            var array = _halves.Rent(Math.Max(1, count));
            var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, array.AsMemory(0, count), shape);
            _leases[value] = array;
            return value;
        }
        else
        {
            var array = _floats.Rent(Math.Max(1, count));
            var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, array.AsMemory(0, count), shape);
            _leases[value] = array;
            return value;
        }
    }

    /// <summary>Disposes the tensor and, when it came from the pool, returns its array.</summary>
    public void Release(OrtValue value)
    {
        value.Dispose();
        if (!_leases.TryRemove(value, out var array)) return;
        if (array is float[] f) _floats.Return(f);
        else if (array is Float16[] h) _halves.Return(h);
    }

    private static long NamedTensorCount(long[] shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        return n;
    }
}
