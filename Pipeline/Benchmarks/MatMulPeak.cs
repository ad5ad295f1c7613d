using Microsoft.ML.OnnxRuntime;
using Onnx;
using TextGameGen.Inference.Runtime;

namespace TextGameGen.Pipeline.Benchmarks;

/// <summary>
/// The machine's own matrix-multiply peak, measured through the same ONNX Runtime (same kernels, threads and device)
/// the model uses: a single large MatMul, best median over a few sizes. The sessions stay open so the benchmark can
/// read the peak again before each repetition: on a shared machine the clock (and with it the peak) moves by a
/// quarter within minutes, and a ratio is only meaningful against a reading taken under the same conditions.
/// </summary>
internal sealed class MatMulPeak : IDisposable
{
    private readonly List<(int N, InferenceSession Session, OrtValue Input)> _sizes = [];

    private MatMulPeak(ExecutionDevice device, bool half)
    {
        int[] sizes = device == ExecutionDevice.Cuda ? [4096, 8192] : [1024, 2048];
        foreach (int n in sizes)
        {
            // On a GPU both operands stay on the device (A = A0 * s) and only a sum comes back, so the
            // measurement is the multiply, not the PCIe transfer.
            var session = Open(n, device, half, onDevice: device == ExecutionDevice.Cuda);
            var input = device == ExecutionDevice.Cuda
                ? (half ? OrtValue.CreateTensorValueFromMemory(new[] { (Float16)1f }, [1, 1]) : OrtValue.CreateTensorValueFromMemory(new[] { 1f }, [1, 1]))
                : HostInput(n, half);
            _sizes.Add((n, session, input));
        }
    }

    public static MatMulPeak Open(ExecutionDevice device, bool half) => new(device, half);

    /// <summary>Every reading taken so far, in order.</summary>
    public List<double> Readings { get; } = [];

    /// <summary>Reads the peak now: FLOP/s of the best size (median of <paramref name="repetitions"/> runs after two warm-ups).</summary>
    public double Measure(int repetitions = 6)
    {
        double best = 0;
        foreach (var (n, session, input) in _sizes)
            best = Math.Max(best, 2.0 * n * n * n / RunTimer.MedianSeconds(session, "a", input, "c", repetitions));
        Readings.Add(best);
        return best;
    }

    public void Dispose()
    {
        foreach (var (_, session, input) in _sizes)
        {
            input.Dispose();
            session.Dispose();
        }
    }

    private static OrtValue HostInput(int n, bool half)
    {
        var a = new float[n * n];
        for (int i = 0; i < a.Length; i++) a[i] = (i % 7) * 0.01f;
        return half ? OrtValue.CreateTensorValueFromMemory(a.Select(v => (Float16)v).ToArray(), [n, n]) : OrtValue.CreateTensorValueFromMemory(a, [n, n]);
    }

    private static InferenceSession Open(int n, ExecutionDevice device, bool half, bool onDevice)
    {
        int type = (int)(half ? TensorProto.Types.DataType.Float16 : TensorProto.Types.DataType.Float);
        var graph = new GraphProto { Name = "matmul" };
        graph.Input.Add(Value("a", type, onDevice ? 1 : n));
        graph.Output.Add(onDevice ? new ValueInfoProto { Name = "c", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = type } } } : Value("c", type, n));
        graph.Initializer.Add(Matrix("b", n, half, type, seed: 2));
        if (onDevice)
        {
            graph.Initializer.Add(Matrix("a0", n, half, type, seed: 3));
            AddNode(graph, "Mul", ["a0", "a"], "a_scaled");
            AddNode(graph, "MatMul", ["a_scaled", "b"], "product");
            AddNode(graph, "ReduceSum", ["product"], "c");
        }
        else
        {
            AddNode(graph, "MatMul", ["a", "b"], "c");
        }
        var model = new ModelProto { IrVersion = 9, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 20 });
        using var options = new SessionOptions();
        if (device == ExecutionDevice.Cuda) options.AppendExecutionProvider_CUDA(0);
        return new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model), options);
    }

    private static void AddNode(GraphProto graph, string op, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = output + "_node" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        graph.Node.Add(node);
    }

    private static TensorProto Matrix(string name, int n, bool half, int type, int seed)
    {
        var b = new TensorProto { Name = name, DataType = type };
        b.Dims.AddRange([n, n]);
        var bytes = new byte[(long)n * n * (half ? 2 : 4)];
        var random = new Random(seed);
        if (half) { var h = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(bytes.AsSpan()); for (int i = 0; i < h.Length; i++) h[i] = (Half)(random.NextSingle() - 0.5f); }
        else { var f = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan()); for (int i = 0; i < f.Length; i++) f[i] = random.NextSingle() - 0.5f; }
        b.RawData = Google.Protobuf.ByteString.CopyFrom(bytes);
        return b;
    }

    private static ValueInfoProto Value(string name, int type, int n)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = n });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = n });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = type, Shape = shape } } };
    }
}
