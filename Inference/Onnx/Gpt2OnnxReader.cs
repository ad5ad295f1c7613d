using System.Runtime.InteropServices;
using Onnx;
using TextGameGen.Inference.Model;

namespace TextGameGen.Inference.Onnx;

/// <summary>Reads the weights back out of a model that <see cref="Gpt2OnnxWriter"/> wrote (by its initializer names).</summary>
public static class Gpt2OnnxReader
{
    /// <summary>
    /// The weights of <paramref name="modelPath"/>, or null when its initializers are not the ones our writer names
    /// (a model exported by another tool), so a caller can fall back to running the file as it is.
    /// </summary>
    public static Gpt2Weights? TryReadWeights(string modelPath, Gpt2Config config) => TryRead(modelPath, config)?.Weights;

    /// <summary>
    /// The weights and how the file stores them (for a quantized file, the weights its codes stand for: writing them
    /// again in the same format gives the same codes).
    /// </summary>
    public static (Gpt2Weights Weights, WeightFormat Format)? TryRead(string modelPath, Gpt2Config config)
    {
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(modelPath);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException($"'{modelPath}' is not a valid ONNX model (Protobuf parsing failed: {ex.Message}).", ex);
        }
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var format = new[] { WeightFormat.Int8, WeightFormat.Int8Blocks, WeightFormat.Int4Blocks }
            .FirstOrDefault(f => initializers.ContainsKey(QuantizedWeights.CodesName("wte.weight", f)), WeightFormat.Float);
        var tensors = new List<NamedTensor>();
        foreach (var (name, shape) in Gpt2Weights.ExpectedShapes(config))
        {
            float[]? data = initializers.TryGetValue(name, out var tensor)
                ? (tensor.Dims.SequenceEqual(shape.Select(d => (long)d)) ? ToFloats(tensor) : null)
                : format != WeightFormat.Float ? Dequantized(initializers, name, shape, format) : null;
            if (data is null || data.LongLength != NamedTensor.ElementCount(shape)) return null;
            tensors.Add(new NamedTensor(name, shape, data));
        }
        return (new Gpt2Weights(config, tensors), format);
    }

    /// <summary>A quantized weight read back: layers' [K, N] weights, or the tied embedding [vocabulary, width] (N x K).</summary>
    private static float[]? Dequantized(Dictionary<string, TensorProto> initializers, string name, int[] shape, WeightFormat format)
    {
        if (shape.Length != 2
            || !initializers.TryGetValue(QuantizedWeights.CodesName(name, format), out var codes)
            || !initializers.TryGetValue(QuantizedWeights.ScalesName(name), out var scales)
            || ToFloats(scales) is not { } scaleData) return null;
        bool embedding = name == "wte.weight";
        int k = embedding ? shape[1] : shape[0], n = embedding ? shape[0] : shape[1];
        int kStride = embedding ? 1 : n, nStride = embedding ? k : 1;
        return format == WeightFormat.Int8
            ? ColumnQuantization.Dequantize(MemoryMarshal.Cast<byte, sbyte>(codes.RawData.Span), scaleData, k, n, kStride, nStride)
            : BlockQuantization.Dequantize(codes.RawData.Span, scaleData, k, n, kStride, nStride, format.Bits());
    }

    private static float[]? ToFloats(TensorProto tensor)
    {
        var raw = tensor.RawData.Span;
        switch ((TensorProto.Types.DataType)tensor.DataType)
        {
            case TensorProto.Types.DataType.Float:
                return raw.Length > 0 ? MemoryMarshal.Cast<byte, float>(raw).ToArray() : [.. tensor.FloatData];
            case TensorProto.Types.DataType.Float16 when raw.Length > 0:
                var halves = MemoryMarshal.Cast<byte, Half>(raw);
                var floats = new float[halves.Length];
                for (int i = 0; i < halves.Length; i++) floats[i] = (float)halves[i];
                return floats;
            default:
                return null;
        }
    }
}
