using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace TextGameGen.Inference.Onnx;

/// <summary>A thin helper over the ONNX protobuf classes: unique names, typed constants, nodes with attributes.</summary>
public sealed class OnnxGraphBuilder(bool half)
{
    public const string MicrosoftDomain = "com.microsoft";
    private readonly GraphProto _graph = new() { Name = "gpt2" };
    private int _counter;

    /// <summary>The element type of float tensors in this graph: float32, or float16 when built for GPUs.</summary>
    public int FloatType { get; } = (int)(half ? TensorProto.Types.DataType.Float16 : TensorProto.Types.DataType.Float);

    public bool Half => half;

    public GraphProto Graph => _graph;

    public string Unique(string prefix) => $"{prefix}_{_counter++}";

    /// <summary>The graph as a serialized model (ONNX opset 20, plus ONNX Runtime's <c>com.microsoft</c> domain when asked).</summary>
    public byte[] ToModelBytes(bool microsoftDomain = false)
    {
        var model = new ModelProto { IrVersion = 9, ProducerName = "TextGameGen", Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 20 });
        if (microsoftDomain) model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        return model.ToByteArray();
    }

    public void Input(string name, int elemType, params object[] dims) => _graph.Input.Add(ValueInfo(name, elemType, dims));

    public void Output(string name, int elemType, params object[] dims) => _graph.Output.Add(ValueInfo(name, elemType, dims));

    /// <summary>A float initializer, stored as float16 in a half graph.</summary>
    public string Weight(string name, ReadOnlySpan<float> data, params int[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = FloatType };
        tensor.Dims.AddRange(dims.Select(d => (long)d));
        if (half)
        {
            var bytes = new byte[data.Length * 2];
            var halves = MemoryMarshal.Cast<byte, Half>(bytes.AsSpan());
            for (int i = 0; i < data.Length; i++) halves[i] = (Half)data[i];
            tensor.RawData = UnsafeByteOperations.UnsafeWrap(bytes);
        }
        else
        {
            tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data));
        }
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>An initializer of any element type from its raw little-endian bytes.</summary>
    public string RawInitializer(string name, TensorProto.Types.DataType type, byte[] raw, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = UnsafeByteOperations.UnsafeWrap(raw) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>A float scalar constant (of the graph's float type).</summary>
    public string FloatScalar(float value) => Weight(Unique("const_f"), [value]);

    public string Int64Constant(params long[] values) => Int64Tensor(Unique("const_i"), values, [values.Length]);

    public string Int64Scalar(long value) => Int64Tensor(Unique("const_s"), [value], []);

    private string Int64Tensor(string name, long[] values, long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a node with one output named after the op; returns that output.</summary>
    public string Node(string opType, string[] inputs, params (string Name, object Value)[] attributes) =>
        NodeMulti(opType, inputs, 1, attributes)[0];

    public string[] NodeMulti(string opType, string[] inputs, int outputCount, params (string Name, object Value)[] attributes)
    {
        var outputs = Enumerable.Range(0, outputCount).Select(_ => Unique(opType)).ToArray();
        NodeTo(opType, inputs, outputs, attributes);
        return outputs;
    }

    public string NodeTo(string opType, string[] inputs, string output, params (string Name, object Value)[] attributes)
    {
        NodeTo(opType, inputs, [output], attributes);
        return output;
    }

    public void NodeTo(string opType, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes) =>
        NodeTo(opType, "", inputs, outputs, attributes);

    public void NodeTo(string opType, string domain, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = opType, Domain = domain, Name = Unique(opType + "_node") };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach (var (name, value) in attributes) node.Attribute.Add(Attribute(name, value));
        _graph.Node.Add(node);
    }

    /// <summary>A node from ONNX Runtime's <c>com.microsoft</c> domain.</summary>
    public string[] MicrosoftNode(string opType, string[] inputs, int outputCount, params (string Name, object Value)[] attributes)
    {
        var outputs = Enumerable.Range(0, outputCount).Select(_ => Unique(opType)).ToArray();
        NodeTo(opType, MicrosoftDomain, inputs, outputs, attributes);
        return outputs;
    }

    private static AttributeProto Attribute(string name, object value)
    {
        var a = new AttributeProto { Name = name };
        switch (value)
        {
            case int i: a.Type = AttributeProto.Types.AttributeType.Int; a.I = i; break;
            case long l: a.Type = AttributeProto.Types.AttributeType.Int; a.I = l; break;
            case float f: a.Type = AttributeProto.Types.AttributeType.Float; a.F = f; break;
            case string s: a.Type = AttributeProto.Types.AttributeType.String; a.S = ByteString.CopyFromUtf8(s); break;
            case long[] ls: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(ls); break;
            default: throw new ArgumentException($"Unsupported attribute type {value.GetType()} for '{name}'.");
        }
        return a;
    }

    private static ValueInfoProto ValueInfo(string name, int elemType, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d switch
            {
                int i => new TensorShapeProto.Types.Dimension { DimValue = i },
                string s => new TensorShapeProto.Types.Dimension { DimParam = s },
                _ => throw new ArgumentException("A dimension is an int or a name."),
            });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType, Shape = shape } },
        };
    }
}
