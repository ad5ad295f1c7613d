using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Runtime;

namespace TextGameGen.Pipeline.Benchmarks;

/// <summary>One row count of the matrix-multiply chain.</summary>
internal sealed record MatMulChainResult(int Rows, double MillisecondsPerRun, double FlopsPerSecond, double WeightBytesPerSecond, double AttainableFlopsPerSecond);

/// <summary>
/// Only the decoder's matrix multiplies, in the model's order and shapes (per layer: QKV, attention projection, MLP in
/// and out; then the tied LM head), with nothing else in between, at several row counts: the part of a decode step
/// that a roofline can bound. Each run reads every weight once, so at few rows it shows how fast ONNX Runtime
/// streams weights from memory, and at many rows how close it comes to the compute peak.
/// </summary>
internal sealed class MatMulChainBenchmark : IDisposable
{
    private readonly InferenceSession _session;
    private readonly Gpt2Config _config;

    public MatMulChainBenchmark(Gpt2Weights weights, SessionSettings settings)
    {
        _config = weights.Config;
        _session = new InferenceSession(Build(weights).ToByteArray(), settings.CreateOptions());
    }

    public long WeightBytes => _config.MatMulParameterCount * sizeof(float);

    /// <summary>Median time of one run at <paramref name="rows"/> rows, over <paramref name="repetitions"/> runs after two warm-ups.</summary>
    public double TimeRun(int rows, int repetitions)
    {
        var input = new float[rows * _config.Width];
        for (int i = 0; i < input.Length; i++) input[i] = (i % 13 - 6) * 0.01f;
        using var x = OrtValue.CreateTensorValueFromMemory(input, [rows, _config.Width]);
        return RunTimer.MedianSeconds(_session, "x", x, "y", repetitions);
    }

    private static ModelProto Build(Gpt2Weights weights)
    {
        var c = weights.Config;
        int w = c.Width;
        var g = new OnnxGraphBuilder(half: false);
        g.Input("x", g.FloatType, "rows", w);
        g.Output("y", g.FloatType, "rows", c.VocabularySize);
        string x = "x";
        string firstColumns = g.Int64Constant(0), width = g.Int64Constant(w), columnAxis = g.Int64Constant(1);
        for (int i = 0; i < c.Layers; i++)
        {
            string Weight(string suffix, int rows, int columns) => g.Weight($"h.{i}.{suffix}", weights.Layer(i, suffix).Data, rows, columns);
            string qkv = g.Node("MatMul", [x, Weight("attn.c_attn.weight", w, 3 * w)]);
            // Attention itself is left out: the projection takes the query's columns, which keeps the shapes chained.
            string query = g.Node("Slice", [qkv, firstColumns, width, columnAxis]);
            string projected = g.Node("MatMul", [query, Weight("attn.c_proj.weight", w, w)]);
            string fc = g.Node("MatMul", [projected, Weight("mlp.c_fc.weight", w, 4 * w)]);
            x = g.Node("MatMul", [fc, Weight("mlp.c_proj.weight", 4 * w, w)]);
        }
        string wte = g.Weight("wte.weight", weights["wte.weight"].Data, c.VocabularySize, w);
        g.NodeTo("FusedMatMul", OnnxGraphBuilder.MicrosoftDomain, [x, wte], ["y"], ("transB", 1));
        var model = new ModelProto { IrVersion = 9, ProducerName = "TextGameGen", Graph = g.Graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 20 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = OnnxGraphBuilder.MicrosoftDomain, Version = 1 });
        return model;
    }

    public void Dispose() => _session.Dispose();
}
