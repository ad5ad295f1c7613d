using System.Numerics;

namespace TextGameGen.Inference.Numerics;

/// <summary>The SIMD inner loops shared by the reference forward pass and the trainer.</summary>
public static class VectorMath
{
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var acc = Vector<float>.Zero;
        int i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            acc += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        float sum = Vector.Dot(acc, Vector<float>.One);
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>y += a * x.</summary>
    public static void Axpy(Span<float> y, float a, ReadOnlySpan<float> x)
    {
        var va = new Vector<float>(a);
        int i = 0;
        for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
            (new Vector<float>(y[i..]) + va * new Vector<float>(x[i..])).CopyTo(y[i..]);
        for (; i < y.Length; i++) y[i] += a * x[i];
    }
}
