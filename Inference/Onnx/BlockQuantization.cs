namespace TextGameGen.Inference.Onnx;

/// <summary>
/// Weight-only block quantization in the layout of ONNX Runtime's <c>MatMulNBits</c>: for a product
/// <c>A[.., K] x W[K, N]</c>, each of the N output columns is cut along K into blocks of <see cref="BlockSize"/>; a
/// block keeps one float scale and its codes, symmetric around the operator's default zero point (2^(bits-1)), so a
/// weight is <c>(code - zero) * scale</c>. Codes are <c>[N, K / BlockSize, BlockSize * bits / 8]</c> bytes, packed
/// low nibble first at 4 bits (the same idea as llama.cpp's Q8_0 and Q4_0). Quantizing what this dequantizes gives
/// the same codes back, so a model can be read back and written again (for another KV layout) without drifting.
/// </summary>
public static class BlockQuantization
{
    public const int BlockSize = 32;

    public static void Check(int bits, int k)
    {
        if (bits is not (8 or 4)) throw new ArgumentException($"Weights are quantized to 8 or 4 bits, not {bits}.");
        if (k % BlockSize != 0) throw new ArgumentException($"A quantized weight's inner size ({k}) must be a multiple of {BlockSize}.");
    }

    /// <summary>Bytes of codes per block.</summary>
    public static int BlobSize(int bits) => BlockSize * bits / 8;

    /// <summary>
    /// Quantizes a weight read as W[k, n] = <paramref name="data"/>[k * kStride + n * nStride] (GPT-2's [K, N]
    /// layout: kStride N, nStride 1; a tied embedding [N, K] used transposed: kStride 1, nStride K).
    /// </summary>
    public static (byte[] Codes, float[] Scales) Quantize(ReadOnlySpan<float> data, int k, int n, int kStride, int nStride, int bits)
    {
        Check(bits, k);
        int blocks = k / BlockSize, blob = BlobSize(bits), qmax = (1 << (bits - 1)) - 1, zero = 1 << (bits - 1);
        var codes = new byte[(long)n * blocks * blob];
        var scales = new float[n * blocks];
        Span<int> q = stackalloc int[BlockSize];
        for (int col = 0; col < n; col++)
        {
            for (int b = 0; b < blocks; b++)
            {
                float absMax = 0;
                for (int i = 0; i < BlockSize; i++) absMax = MathF.Max(absMax, MathF.Abs(data[(b * BlockSize + i) * kStride + col * nStride]));
                float scale = absMax / qmax;
                float inverse = scale > 0 ? 1f / scale : 0f;
                for (int i = 0; i < BlockSize; i++)
                {
                    float w = data[(b * BlockSize + i) * kStride + col * nStride];
                    q[i] = Math.Clamp((int)MathF.Round(w * inverse), -qmax - 1, qmax) + zero;
                }
                scales[col * blocks + b] = scale;
                long at = ((long)col * blocks + b) * blob;
                if (bits == 8)
                    for (int i = 0; i < BlockSize; i++) codes[at + i] = (byte)q[i];
                else
                    for (int i = 0; i < BlockSize / 2; i++) codes[at + i] = (byte)(q[2 * i] | (q[2 * i + 1] << 4));
            }
        }
        return (codes, scales);
    }

    /// <summary>The weights <see cref="Quantize"/> stands for, written back at data[k * kStride + n * nStride].</summary>
    public static float[] Dequantize(ReadOnlySpan<byte> codes, ReadOnlySpan<float> scales, int k, int n, int kStride, int nStride, int bits)
    {
        Check(bits, k);
        int blocks = k / BlockSize, blob = BlobSize(bits), zero = 1 << (bits - 1);
        if (codes.Length != (long)n * blocks * blob || scales.Length != n * blocks)
            throw new InvalidDataException($"Quantized weight of {k} x {n} at {bits} bits has {codes.Length} code bytes and {scales.Length} scales.");
        var data = new float[(long)k * n];
        for (int col = 0; col < n; col++)
        {
            for (int b = 0; b < blocks; b++)
            {
                float scale = scales[col * blocks + b];
                int at = (col * blocks + b) * blob;
                for (int i = 0; i < BlockSize; i++)
                {
                    int code = bits == 8 ? codes[at + i] : (codes[at + i / 2] >> (i % 2 * 4)) & 0xF;
                    data[(b * BlockSize + i) * kStride + col * nStride] = (code - zero) * scale;
                }
            }
        }
        return data;
    }
}
