using Microsoft.ML.OnnxRuntime;
using TextGameGen.Inference.Onnx;

namespace TextGameGen.Pipeline.Training;

/// <summary>
/// The trainer's matrix multiplies, run by ONNX Runtime's CPU kernels (MLAS, the same code that multiplies in the
/// server), over the trainer's own arrays without copies: <see cref="Gemm"/> for 2-D products in the three layouts
/// training needs, optionally accumulating into C, and <see cref="Batched"/> for attention's per-head products.
/// One small ONNX session per layout, created on first use and shared; sessions are safe to call from any thread.
/// </summary>
public sealed class MatMuls : IDisposable
{
    private readonly Dictionary<(string Op, bool TransA, bool TransB, bool Accumulate), InferenceSession> _sessions = [];
    private readonly Lock _gate = new();

    /// <summary>The process-wide instance (its sessions and thread pools are reused by every model trained here).</summary>
    public static MatMuls Shared { get; } = new();

    /// <summary>
    /// C[m, n] = op(A) . op(B), or C += op(A) . op(B) with <paramref name="accumulate"/>; op transposes when asked
    /// (A is then stored [k, m], B [n, k]).
    /// </summary>
    public void Gemm(Memory<float> c, ReadOnlyMemory<float> a, ReadOnlyMemory<float> b, int m, int n, int k,
        bool transA = false, bool transB = false, bool accumulate = false)
    {
        if (m == 0 || n == 0) return;
        var session = Session("Gemm", transA, transB, accumulate);
        using var av = Tensor(a, transA ? [k, m] : [m, k]);
        using var bv = Tensor(b, transB ? [n, k] : [k, n]);
        using var cv = Tensor(c, [m, n]);
        if (accumulate)
        {
            // Y = A.B + C with C and Y the same buffer: ONNX Runtime's Gemm first copies C into Y (here onto itself),
            // then has MLAS add the product to Y (tested in MatMulsTests).
            using var cIn = Tensor(c, [m, n]);
            Run(session, [av, bv, cIn], cv);
        }
        else
        {
            Run(session, [av, bv], cv);
        }
    }

    /// <summary>C[batch, m, n] = op(A[batch]) . op(B[batch]) for each of <paramref name="batch"/> pairs of matrices.</summary>
    public void Batched(Memory<float> c, ReadOnlyMemory<float> a, ReadOnlyMemory<float> b, int batch, int m, int n, int k,
        bool transA = false, bool transB = false)
    {
        var session = Session("FusedMatMul", transA, transB, accumulate: false);
        using var av = Tensor(a, transA ? [batch, k, m] : [batch, m, k]);
        using var bv = Tensor(b, transB ? [batch, n, k] : [batch, k, n]);
        using var cv = Tensor(c, [batch, m, n]);
        Run(session, [av, bv], cv);
    }

    private static OrtValue Tensor(ReadOnlyMemory<float> memory, long[] shape) =>
        OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, System.Runtime.InteropServices.MemoryMarshal.AsMemory(memory), shape);

    private static readonly string[] s_twoInputs = ["A", "B"], s_threeInputs = ["A", "B", "C"], s_output = ["Y"];

    private static void Run(InferenceSession session, OrtValue[] inputs, OrtValue output)
    {
        using var options = new RunOptions();
        session.Run(options, inputs.Length == 2 ? s_twoInputs : s_threeInputs, inputs, s_output, [output]);
    }

    private InferenceSession Session(string op, bool transA, bool transB, bool accumulate)
    {
        lock (_gate)
        {
            if (_sessions.TryGetValue((op, transA, transB, accumulate), out var session)) return session;
            var g = new OnnxGraphBuilder(half: false);
            string[] dims = op == "Gemm" ? ["m", "k"] : ["batch", "m", "k"];
            g.Input("A", g.FloatType, [.. dims.Select(d => (object)(d + "_a"))]);
            g.Input("B", g.FloatType, [.. dims.Select(d => (object)(d + "_b"))]);
            if (accumulate) g.Input("C", g.FloatType, "m", "n");
            g.Output("Y", g.FloatType, [.. dims.Select(d => (object)(d + "_y"))]);
            string[] inputs = accumulate ? s_threeInputs : s_twoInputs;
            if (op == "Gemm")
                g.NodeTo("Gemm", inputs, ["Y"], ("transA", transA ? 1 : 0), ("transB", transB ? 1 : 0), ("beta", 1f));
            else
                g.NodeTo("FusedMatMul", OnnxGraphBuilder.MicrosoftDomain, inputs, ["Y"], ("transA", transA ? 1 : 0), ("transB", transB ? 1 : 0));
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
            // Each session has its own thread pool; spinning pools would compete with each other and with the trainer's
            // own parallel loops between the multiplies (measured: a step takes 1.8x as long with spinning).
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            session = new InferenceSession(g.ToModelBytes(microsoftDomain: op != "Gemm"), options);
            _sessions[(op, transA, transB, accumulate)] = session;
            return session;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var session in _sessions.Values) session.Dispose();
            _sessions.Clear();
        }
    }
}
