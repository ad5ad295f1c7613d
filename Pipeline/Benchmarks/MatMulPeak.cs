using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using TextGameGen.Inference.Runtime;

namespace TextGameGen.Pipeline.Benchmarks;

/// <summary>
/// The machine's own matrix-multiply peak, measured through the same ONNX Runtime (same kernels, threads
/// and device) the model uses: a single large MatMul, best median over a few sizes.
/// </summary>
internal static class MatMulPeak
{
    public static double MeasureFlops(ExecutionDevice device, bool half, int repetitions = 10)
    {
        double best = 0;
        int[] sizes = device == ExecutionDevice.Cuda ? [4096, 8192] : [1024, 2048];
        foreach (int n in sizes)
        {
            using var session = Open(n, device, half);
            var a = new float[n * n];
            for (int i = 0; i < a.Length; i++) a[i] = (i % 7) * 0.01f;
            using var input = half
                ? OrtValue.CreateTensorValueFromMemory(a.Select(v => (Float16)v).ToArray(), [n, n])
                : OrtValue.CreateTensorValueFromMemory(a, [n, n]);
            var times = new List<double>();
            using var runOptions = new RunOptions();
            for (int r = 0; r < repetitions + 2; r++)
            {
                var sw = Stopwatch.StartNew();
                using var outputs = session.Run(runOptions, ["a"], [input], ["c"]);
                sw.Stop();
                if (r >= 2) times.Add(sw.Elapsed.TotalSeconds);
            }
            best = Math.Max(best, 2.0 * n * n * n / Stats.Median(times));
        }
        return best;
    }

    private static InferenceSession Open(int n, ExecutionDevice device, bool half)
    {
        int type = (int)(half ? TensorProto.Types.DataType.Float16 : TensorProto.Types.DataType.Float);
        var graph = new GraphProto { Name = "matmul" };
        graph.Input.Add(Value("a", type, n));
        graph.Output.Add(Value("c", type, n));
        var b = new TensorProto { Name = "b", DataType = type };
        b.Dims.AddRange([n, n]);
        var bytes = new byte[(long)n * n * (half ? 2 : 4)];
        var random = new Random(2);
        if (half) { var h = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(bytes.AsSpan()); for (int i = 0; i < h.Length; i++) h[i] = (Half)(random.NextSingle() - 0.5f); }
        else { var f = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan()); for (int i = 0; i < f.Length; i++) f[i] = random.NextSingle() - 0.5f; }
        b.RawData = Google.Protobuf.ByteString.CopyFrom(bytes);
        graph.Initializer.Add(b);
        var node = new NodeProto { OpType = "MatMul", Name = "mm" };
        node.Input.AddRange(["a", "b"]);
        node.Output.Add("c");
        graph.Node.Add(node);
        var model = new ModelProto { IrVersion = 9, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 20 });
        using var options = new SessionOptions();
        if (device == ExecutionDevice.Cuda) options.AppendExecutionProvider_CUDA(0);
        return new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model), options);
    }

    private static ValueInfoProto Value(string name, int type, int n)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = n });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = n });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = type, Shape = shape } } };
    }
}
