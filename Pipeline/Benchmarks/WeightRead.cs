using Microsoft.ML.OnnxRuntime;
using Onnx;
using TextGameGen.Inference.Runtime;

namespace TextGameGen.Pipeline.Benchmarks;

/// <summary>
/// How long the device takes to read a model's weights once, in the same ONNX Runtime and on the same device (on a GPU
/// the tensor lives in device memory and only a scalar comes back), two ways, the faster counting: a row-wise
/// <c>ReduceMax</c> over a tensor as large as the weights (<c>[rows, 4096]</c>), and a matrix-vector product with a
/// matrix that large (<c>[1, 1024] x [1024, n]</c>, what a batch-1 decode step does layer by layer). A decode step at
/// batch 1 must read every weight once, so this is its floor; the step's time over it shows what the rest (kernel
/// launches, the host's round trip, attention) costs. Graph optimizations are off so nothing over a constant is
/// folded away when the session opens.
/// </summary>
internal sealed class WeightRead : IDisposable
{
    private const int RowWidth = 4096, VectorWidth = 1024;
    private readonly InferenceSession _rows, _product;
    private readonly OrtValue _input = OrtValue.CreateTensorValueFromMemory(new[] { 0f }, [1]);

    public WeightRead(long bytes, bool half, ExecutionDevice device)
    {
        int elementSize = half ? 2 : 4;
        long elements = bytes / elementSize / RowWidth * RowWidth; // whole rows either way (RowWidth is a multiple of VectorWidth)
        Bytes = elements * elementSize;
        var type = half ? TensorProto.Types.DataType.Float16 : TensorProto.Types.DataType.Float;
        _rows = Open(device, type, elements, [elements / RowWidth, RowWidth], graph =>
        {
            Node(graph, "ReduceMax", ["w", Int64s(graph, "row_axis", 1)], "row_largest", Int("keepdims", 0));
            Node(graph, "ReduceMax", ["row_largest"], "largest", Int("keepdims", 1));
        });
        _product = Open(device, type, elements, [VectorWidth, elements / VectorWidth], graph =>
        {
            var ones = new TensorProto { Name = "v", DataType = (int)type, RawData = Google.Protobuf.ByteString.CopyFrom(new byte[VectorWidth * elementSize]) };
            ones.Dims.AddRange([1, VectorWidth]);
            graph.Initializer.Add(ones);
            Node(graph, "MatMul", ["v", "w"], "product");
            Node(graph, "ReduceMax", ["product"], "largest", Int("keepdims", 0));
            Node(graph, "Reshape", ["largest", Int64s(graph, "one", 1)], "largest_1");
        }, output: "largest_1");
    }

    /// <summary>A graph over the constant <c>w</c> of <paramref name="dims"/>; <paramref name="body"/> reduces it to one value.</summary>
    private static InferenceSession Open(ExecutionDevice device, TensorProto.Types.DataType type, long elements, long[] dims, Action<GraphProto> body, string output = "largest")
    {
        var graph = new GraphProto { Name = "weight_read" };
        graph.Input.Add(Scalar("x"));
        graph.Output.Add(Scalar("y"));
        var weights = new TensorProto { Name = "w", DataType = (int)type, RawData = Google.Protobuf.ByteString.CopyFrom(new byte[elements * (type == TensorProto.Types.DataType.Float16 ? 2 : 4)]) };
        weights.Dims.AddRange(dims);
        graph.Initializer.Add(weights);
        body(graph);
        Node(graph, "Cast", [output], "largest_f32", Int("to", (int)TensorProto.Types.DataType.Float));
        Node(graph, "Add", ["largest_f32", "x"], "y");
        var model = new ModelProto { IrVersion = 9, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 20 });
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        if (device == ExecutionDevice.Cuda) options.AppendExecutionProvider_CUDA(0);
        return new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model), options);
    }

    /// <summary>The bytes read each run.</summary>
    public long Bytes { get; }

    /// <summary>Every reading so far (seconds per read, the faster form).</summary>
    public List<double> Readings { get; } = [];

    /// <summary>Every reading of each form: the row-wise reduction, then the matrix-vector product.</summary>
    public List<(double Rows, double Product)> Forms { get; } = [];

    /// <summary>Seconds to read <see cref="Bytes"/> once: the faster form's median of <paramref name="repetitions"/> runs after two warm-ups.</summary>
    public double Measure(int repetitions = 10)
    {
        double rows = RunTimer.MedianSeconds(_rows, "x", _input, "y", repetitions);
        double product = RunTimer.MedianSeconds(_product, "x", _input, "y", repetitions);
        Forms.Add((rows, product));
        Readings.Add(Math.Min(rows, product));
        return Readings[^1];
    }

    public void Dispose()
    {
        _input.Dispose();
        _rows.Dispose();
        _product.Dispose();
    }

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static string Int64s(GraphProto graph, string name, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64, RawData = Google.Protobuf.ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.Add(values.Length);
        graph.Initializer.Add(tensor);
        return name;
    }

    private static ValueInfoProto Scalar(string name)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 1 });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
    }

    private static void Node(GraphProto graph, string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = output + "_node" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
    }
}
