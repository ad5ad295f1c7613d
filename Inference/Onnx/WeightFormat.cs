namespace TextGameGen.Inference.Onnx;

/// <summary>How a graph stores the weights of its matrix multiplies (and the tied embedding).</summary>
public enum WeightFormat
{
    /// <summary>Float weights (float32, or float16 in a half graph).</summary>
    Float,

    /// <summary>
    /// 8-bit integers, one scale per output column (<see cref="ColumnQuantization"/>), multiplied by ONNX Runtime's
    /// <c>DynamicQuantizeMatMul</c> (activations quantized per call, integer matrix multiply): the faster 8-bit kernel
    /// on this project's CPUs at batch 1 and batch 32 (measured against <see cref="Int8Blocks"/>, docs/benchmarks.md).
    /// </summary>
    Int8,

    /// <summary>8-bit codes in blocks of 32 along the inner dimension (<see cref="BlockQuantization"/>), <c>MatMulNBits</c>.</summary>
    Int8Blocks,

    /// <summary>4-bit codes in blocks of 32, <c>MatMulNBits</c> (like llama.cpp's Q4_0).</summary>
    Int4Blocks,
}

public static class WeightFormats
{
    /// <summary>Bits per stored weight code (0 for float).</summary>
    public static int Bits(this WeightFormat format) => format switch
    {
        WeightFormat.Int8 or WeightFormat.Int8Blocks => 8,
        WeightFormat.Int4Blocks => 4,
        _ => 0,
    };

    /// <summary>The name used on the command line and in manifests: float, int8, int8-blocks, int4-blocks.</summary>
    public static string Name(this WeightFormat format) => format switch
    {
        WeightFormat.Int8 => "int8",
        WeightFormat.Int8Blocks => "int8-blocks",
        WeightFormat.Int4Blocks => "int4-blocks",
        _ => "float",
    };

    /// <summary>Parses a name (or a bit count: 8 is int8, 4 is int4-blocks).</summary>
    public static WeightFormat Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "float" or "fp32" or "0" => WeightFormat.Float,
        "int8" or "8" => WeightFormat.Int8,
        "int8-blocks" => WeightFormat.Int8Blocks,
        "int4-blocks" or "int4" or "4" => WeightFormat.Int4Blocks,
        _ => throw new ArgumentException($"Unknown weight format '{value}': use int8 (8), int4-blocks (4), int8-blocks or float."),
    };
}
