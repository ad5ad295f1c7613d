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
    public static Gpt2Weights? TryReadWeights(string modelPath, Gpt2Config config)
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
        var tensors = new List<NamedTensor>();
        foreach (var (name, shape) in Gpt2Weights.ExpectedShapes(config))
        {
            if (!initializers.TryGetValue(name, out var tensor) || !tensor.Dims.SequenceEqual(shape.Select(d => (long)d))) return null;
            if (ToFloats(tensor) is not { } data || data.LongLength != NamedTensor.ElementCount(shape)) return null;
            tensors.Add(new NamedTensor(name, shape, data));
        }
        return new Gpt2Weights(config, tensors);
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
