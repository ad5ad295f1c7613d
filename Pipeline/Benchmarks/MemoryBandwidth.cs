using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TextGameGen.Pipeline.Benchmarks;

/// <summary>
/// The machine's streaming read bandwidth: one thread per core sums its share of a buffer far larger than the caches,
/// with wide vector loads. The memory roof of a roofline: what a kernel that only reads its operands once could reach.
/// </summary>
internal static class MemoryBandwidth
{
    public static double MeasureReadBytesPerSecond(long bytes = 512L << 20, int repetitions = 5)
    {
        var data = GC.AllocateUninitializedArray<float>((int)(bytes / sizeof(float)), pinned: true);
        for (int i = 0; i < data.Length; i += 1024) data[i] = i; // fault every page in before timing
        int threads = Environment.ProcessorCount;
        int chunk = data.Length / threads / 128 * 128;
        var times = new List<double>();
        var sums = new float[threads];
        for (int r = 0; r < repetitions + 1; r++)
        {
            var sw = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => sums[t] = Sum(data.AsSpan(t * chunk, chunk)));
            sw.Stop();
            if (r > 0) times.Add(sw.Elapsed.TotalSeconds);
        }
        GC.KeepAlive(sums);
        return (double)chunk * threads * sizeof(float) / Stats.Median(times);
    }

    // 512-bit vectors (two 256-bit operations each where the machine has no AVX-512) and eight independent
    // accumulators: many loads in flight per core.
    private static float Sum(ReadOnlySpan<float> values)
    {
        var v = MemoryMarshal.Cast<float, Vector512<float>>(values);
        Vector512<float> a = default, b = default, c = default, d = default, e = default, f = default, g = default, h = default;
        for (int i = 0; i + 8 <= v.Length; i += 8)
        {
            a += v[i]; b += v[i + 1]; c += v[i + 2]; d += v[i + 3];
            e += v[i + 4]; f += v[i + 5]; g += v[i + 6]; h += v[i + 7];
        }
        return Vector512.Sum(a + b + c + d + e + f + g + h);
    }
}
