namespace TextGameGen.Inference.Model;

/// <summary>A dense float32 tensor in row-major order.</summary>
public sealed class NamedTensor(string name, int[] shape, float[] data)
{
    public string Name { get; } = name;
    public int[] Shape { get; } = shape;
    public float[] Data { get; } = data;

    public NamedTensor(string name, int[] shape)
        : this(name, shape, new float[ElementCount(shape)]) { }

    public long Length => Data.LongLength;

    public static long ElementCount(IReadOnlyList<int> shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        return n;
    }
}
