using System.Runtime.InteropServices;
using Onnx;

namespace TextGameGen.Inference.Onnx;

/// <summary>
/// The graph pieces of a weight-quantized model. Each matrix multiply by a weight becomes
/// <c>DynamicQuantizeMatMul</c> (<see cref="WeightFormat.Int8"/>: int8 codes <c>[K, N]</c>, a scale per column) or
/// <c>MatMulNBits</c> with <c>accuracy_level</c> 4 (the block formats: codes <c>[N, K / 32, blob]</c>, a scale per
/// block; activations quantized to int8 inside the operator, its fastest CPU path); codes are <c>{name}.{suffix}</c>
/// and scales <c>{name}.scales</c>. The tied token embedding is stored once, quantized as the LM head's B: the lookup
/// gathers the codes and scales of the tokens asked for and dequantizes only those rows. In a half graph (the block
/// formats only: a GPU's <c>MatMulNBits</c> takes float16 activations) the scales are float16 like the activations.
/// </summary>
internal sealed class QuantizedWeights(OnnxGraphBuilder g, WeightFormat format)
{
    private readonly HashSet<string> _added = new(StringComparer.Ordinal);

    public static string CodesName(string weight, WeightFormat format) => format switch
    {
        WeightFormat.Int8 => $"{weight}.i8",
        WeightFormat.Int8Blocks => $"{weight}.q8",
        WeightFormat.Int4Blocks => $"{weight}.q4",
        _ => weight,
    };

    public static string ScalesName(string weight) => $"{weight}.scales";

    private int Bits => format.Bits();

    /// <summary><paramref name="input"/> x W, W[k, n] = data[k * kStride + n * nStride]; returns the product.</summary>
    public string MatMul(string input, string name, ReadOnlySpan<float> data, int k, int n, int kStride, int nStride, string? output = null)
    {
        Add(name, data, k, n, kStride, nStride);
        output ??= g.Unique("QuantizedMatMul");
        if (format == WeightFormat.Int8)
            g.NodeTo("DynamicQuantizeMatMul", OnnxGraphBuilder.MicrosoftDomain, [input, CodesName(name, format), ScalesName(name)], [output]);
        else
            g.NodeTo("MatMulNBits", OnnxGraphBuilder.MicrosoftDomain, [input, CodesName(name, format), ScalesName(name)], [output],
                ("K", (long)k), ("N", (long)n), ("bits", (long)Bits), ("block_size", (long)BlockQuantization.BlockSize), ("accuracy_level", 4L));
        return output;
    }

    /// <summary>
    /// Rows of the embedding table <c>[vocabulary, width]</c> (quantized as the LM head's B) for <paramref name="ids"/>:
    /// <c>[batch, seq, width]</c>, float.
    /// </summary>
    public string Embedding(string ids, string name, ReadOnlySpan<float> table, int vocabulary, int width)
    {
        Add(name, table, width, vocabulary, kStride: 1, nStride: width);
        int f32 = g.FloatType;
        string shape = g.Node("Concat", [g.Node("Shape", [ids]), g.Int64Constant(width)], ("axis", 0L));
        string tokenScales = g.Node("Unsqueeze", [g.Node("Gather", [ScalesName(name), ids]), g.Int64Constant(-1)]);
        if (format == WeightFormat.Int8)
        {
            // Codes are [width, vocabulary]: gather columns, then put width last.
            string columns = g.Node("Gather", [CodesName(name, format), ids], ("axis", 1L)); // [width, batch, seq]
            string rows = g.Node("Cast", [g.Node("Transpose", [columns], ("perm", new long[] { 1, 2, 0 }))], ("to", f32));
            return g.Node("Mul", [rows, tokenScales]); // a scale per token
        }
        string codes = g.Node("Gather", [CodesName(name, format), ids]); // [batch, seq, blocks, blob] uint8
        string values = format == WeightFormat.Int8Blocks ? g.Node("Cast", [codes], ("to", f32)) : UnpackNibbles(codes, f32);
        string centred = g.Node("Sub", [values, g.FloatScalar(1 << (Bits - 1))]);
        return g.Node("Reshape", [g.Node("Mul", [centred, tokenScales]), shape]); // a scale per block
    }

    /// <summary>Two codes a byte, low nibble first: <c>[.., blob]</c> bytes to <c>[.., 2 * blob]</c> floats.</summary>
    private string UnpackNibbles(string codes, int f32)
    {
        string wide = g.Node("Cast", [codes], ("to", (int)TensorProto.Types.DataType.Int32));
        string sixteen = g.RawInitializer(g.Unique("const_16"), TensorProto.Types.DataType.Int32, BitConverter.GetBytes(16));
        string high = g.Node("Div", [wide, sixteen]);
        string low = g.Node("Sub", [wide, g.Node("Mul", [high, sixteen])]);
        string last = g.Int64Constant(-1);
        string pairs = g.Node("Concat", [g.Node("Unsqueeze", [low, last]), g.Node("Unsqueeze", [high, last])], ("axis", -1L));
        string blockShape = g.Node("Concat", [g.Node("Shape", [codes], ("end", 3L)), g.Int64Constant(BlockQuantization.BlockSize)], ("axis", 0L));
        return g.Node("Cast", [g.Node("Reshape", [pairs, blockShape])], ("to", f32));
    }

    private void Add(string name, ReadOnlySpan<float> data, int k, int n, int kStride, int nStride)
    {
        if (!_added.Add(name)) return;
        if (format == WeightFormat.Int8)
        {
            var (codes, scales) = ColumnQuantization.Quantize(data, k, n, kStride, nStride);
            g.RawInitializer(CodesName(name, format), TensorProto.Types.DataType.Int8, MemoryMarshal.AsBytes(codes.AsSpan()).ToArray(), k, n);
            g.RawInitializer(ScalesName(name), TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(scales.AsSpan()).ToArray(), n);
            return;
        }
        var (blockCodes, blockScales) = BlockQuantization.Quantize(data, k, n, kStride, nStride, Bits);
        int blocks = k / BlockQuantization.BlockSize;
        g.RawInitializer(CodesName(name, format), TensorProto.Types.DataType.Uint8, blockCodes, n, blocks, BlockQuantization.BlobSize(Bits));
        g.Weight(ScalesName(name), blockScales, n, blocks); // float16 in a half graph, as MatMulNBits wants them there
    }
}
