namespace TextGameGen.Inference.Onnx;

/// <summary>
/// Symmetric 8-bit quantization with one scale per output column, as ONNX Runtime's <c>DynamicQuantizeMatMul</c>
/// takes its B: for <c>A[.., K] x W[K, N]</c>, codes are int8 <c>[K, N]</c> in -127..127 and <c>W[k, n] = code *
/// scale[n]</c>. Quantizing what this dequantizes gives the same codes back.
/// </summary>
public static class ColumnQuantization
{
    /// <summary>Quantizes W[k, n] = <paramref name="data"/>[k * kStride + n * nStride].</summary>
    public static (sbyte[] Codes, float[] Scales) Quantize(ReadOnlySpan<float> data, int k, int n, int kStride, int nStride)
    {
        var codes = new sbyte[(long)k * n];
        var scales = new float[n];
        for (int col = 0; col < n; col++)
        {
            float absMax = 0;
            for (int row = 0; row < k; row++) absMax = MathF.Max(absMax, MathF.Abs(data[row * kStride + col * nStride]));
            float scale = absMax / 127;
            float inverse = scale > 0 ? 1f / scale : 0f;
            scales[col] = scale;
            for (int row = 0; row < k; row++)
                codes[(long)row * n + col] = (sbyte)Math.Clamp((int)MathF.Round(data[row * kStride + col * nStride] * inverse), -127, 127);
        }
        return (codes, scales);
    }

    /// <summary>The weights the codes stand for, written at data[k * kStride + n * nStride].</summary>
    public static float[] Dequantize(ReadOnlySpan<sbyte> codes, ReadOnlySpan<float> scales, int k, int n, int kStride, int nStride)
    {
        if (codes.Length != (long)k * n || scales.Length != n)
            throw new InvalidDataException($"An int8 weight of {k} x {n} has {codes.Length} codes and {scales.Length} scales.");
        var data = new float[(long)k * n];
        for (int row = 0; row < k; row++)
            for (int col = 0; col < n; col++)
                data[row * kStride + col * nStride] = codes[row * n + col] * scales[col];
        return data;
    }
}
