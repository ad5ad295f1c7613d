using Google.Protobuf;
using Onnx;
using TextGameGen.Inference.Model;

namespace TextGameGen.Inference.Onnx;

/// <summary>
/// Writes a GPT-2 decoder with a KV cache as ONNX, with the input and output names and shapes that
/// Hugging Face Optimum uses, so our sessions also run a real exported <c>gpt2</c>.
/// </summary>
public static class Gpt2OnnxWriter
{
    /// <summary>Value added to the attention scores of positions a query must not see.</summary>
    internal const float MaskedScore = -10000f;

    private const int OnnxOpset = 20;
    private const int IrVersion = 9;

    public static byte[] ToBytes(Gpt2Weights weights, OnnxExportOptions? options = null) => Build(weights, options).ToByteArray();

    public static void Write(Gpt2Weights weights, string path, OnnxExportOptions? options = null)
    {
        using var stream = File.Create(path);
        Build(weights, options).WriteTo(stream);
    }

    public static ModelProto Build(Gpt2Weights weights, OnnxExportOptions? options = null)
    {
        options ??= OnnxExportOptions.Default;
        var c = weights.Config;
        var g = new OnnxGraphBuilder(options.Float16);
        int i64 = (int)TensorProto.Types.DataType.Int64;

        if (options.SlotCache && options.Style != GraphStyle.Fused) throw new ArgumentException("The slot cache needs the fused graph style.");
        if (options.RowLastIndex && (options.Style != GraphStyle.Fused || options.SlotCache || options.Logits != LogitsScope.LastPosition))
            throw new ArgumentException("Row last indices need the fused graph style in Optimum's layout, with last-position logits.");
        string pastLength = options.SlotCache ? "max_sequence_length" : "past_sequence_length";
        string presentLength = options.SlotCache ? "max_sequence_length" : "total_sequence_length";
        g.Input("input_ids", i64, "batch_size", "sequence_length");
        if (options.SlotCache)
        {
            g.Input("seqlens_k", (int)TensorProto.Types.DataType.Int32, "batch_size");
            // Which position's logits each row wants: rows of a prefill are right-padded to the longest prompt.
            g.Input("last_index", i64, "batch_size");
            g.Input("total_sequence_length", (int)TensorProto.Types.DataType.Int32);
        }
        else
        {
            g.Input("attention_mask", i64, "batch_size", "total_sequence_length");
            if (options.RowLastIndex) g.Input("last_index", i64, "batch_size");
        }
        g.Input("position_ids", i64, "batch_size", "sequence_length");
        for (int i = 0; i < c.Layers; i++)
        {
            g.Input($"past_key_values.{i}.key", g.FloatType, "batch_size", c.Heads, pastLength, c.HeadDim);
            g.Input($"past_key_values.{i}.value", g.FloatType, "batch_size", c.Heads, pastLength, c.HeadDim);
        }
        // Logits are float32 even in a float16 graph: the host samples from them, and converting on the GPU is cheaper
        // than converting 50k values per row on the CPU.
        g.Output("logits", (int)TensorProto.Types.DataType.Float, "batch_size", options.Logits == LogitsScope.LastPosition ? 1 : "sequence_length", c.VocabularySize);
        for (int i = 0; i < c.Layers; i++)
        {
            g.Output($"present.{i}.key", g.FloatType, "batch_size", c.Heads, presentLength, c.HeadDim);
            g.Output($"present.{i}.value", g.FloatType, "batch_size", c.Heads, presentLength, c.HeadDim);
        }

        var quantized = QuantizedGraph(g, options, c);
        string wte = quantized is null ? g.Weight("wte.weight", weights["wte.weight"].Data, c.VocabularySize, c.Width) : "wte.weight";
        string wpe = g.Weight("wpe.weight", weights["wpe.weight"].Data, c.Context, c.Width);
        string tokenEmbedding = quantized is null
            ? g.Node("Gather", [wte, "input_ids"])
            : quantized.Embedding("input_ids", wte, weights["wte.weight"].Data, c.VocabularySize, c.Width);
        string positionEmbedding = g.Node("Gather", [wpe, "position_ids"]);
        string attentionBias = options.SlotCache ? "" : AttentionBias(g);

        var blocks = new DecoderBlocks(g, weights, attentionBias, quantized);
        string hidden = options.Style == GraphStyle.Plain
            ? blocks.Plain(tokenEmbedding, positionEmbedding)
            : blocks.Fused(tokenEmbedding, positionEmbedding, options.SlotCache);

        var head = quantized is null
            ? (last, output) => g.NodeTo("FusedMatMul", OnnxGraphBuilder.MicrosoftDomain, [last, wte], [output], ("transB", 1))
            : new Action<string, string>((last, output) =>
                quantized.MatMul(last, wte, weights["wte.weight"].Data, c.Width, c.VocabularySize, kStride: 1, nStride: c.Width, output));
        if (options.SlotCache || options.RowLastIndex) SlotLmHead(g, hidden, head);
        else if (quantized is not null) LastPositionHead(g, hidden, head, options.Logits); // float32 logits also in a half graph
        else LmHead(g, weights, hidden, wte, options.Logits, writeDirectly: options.Style == GraphStyle.Fused && !options.Float16);

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "TextGameGen",
            ProducerVersion = "1",
            Graph = g.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxOpset });
        if (options.Style == GraphStyle.Fused)
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = OnnxGraphBuilder.MicrosoftDomain, Version = 1 });
        return model;
    }

    /// <summary>The quantized graph's weights, or null; refuses what cannot be quantized.</summary>
    private static QuantizedWeights? QuantizedGraph(OnnxGraphBuilder g, OnnxExportOptions options, Model.Gpt2Config c)
    {
        if (options.Weights == WeightFormat.Float) return null;
        if (options.Style != GraphStyle.Fused) throw new ArgumentException("Quantized weights need the fused graph style.");
        if (options.Float16 && options.Weights == WeightFormat.Int8)
            throw new ArgumentException("int8 (DynamicQuantizeMatMul) needs float32 activations: with float16 use int8-blocks or int4-blocks (MatMulNBits).");
        if (options.Weights != WeightFormat.Int8) BlockQuantization.Check(options.Weights.Bits(), c.Width);
        return new QuantizedWeights(g, options.Weights);
    }

    /// <summary>
    /// <c>[batch, 1, seq, total]</c>: 0 where query i (at absolute position past+i) may see key j (j &lt;= past+i and
    /// attention_mask[j] = 1), <see cref="MaskedScore"/> elsewhere.
    /// </summary>
    private static string AttentionBias(OnnxGraphBuilder g)
    {
        string one = g.Int64Scalar(1), zero = g.Int64Scalar(0);
        string seq = g.Node("Gather", [g.Node("Shape", ["input_ids"]), one], ("axis", 0));
        string total = g.Node("Gather", [g.Node("Shape", ["attention_mask"]), one], ("axis", 0));
        string past = g.Node("Sub", [total, seq]);
        string queryPositions = g.Node("Unsqueeze", [g.Node("Range", [past, total, one]), g.Int64Constant(1)]);
        string keyPositions = g.Node("Range", [zero, total, one]);
        string causal = g.Node("LessOrEqual", [keyPositions, queryPositions]);
        string keyPresent = g.Node("Unsqueeze", [g.Node("Cast", ["attention_mask"], ("to", (int)TensorProto.Types.DataType.Bool)), g.Int64Constant(1, 2)]);
        string allowed = g.Node("And", [causal, keyPresent]);
        return g.Node("Where", [allowed, g.FloatScalar(0f), g.FloatScalar(MaskedScore)]);
    }

    /// <summary>
    /// Logits from the tied embedding. With <paramref name="writeDirectly"/> the last position's logits come from ONNX
    /// Runtime's FusedMatMul (transposed B, any rank), so the node that multiplies writes straight into the caller's
    /// logits buffer. With Gemm (two-dimensional only) a reshape follows, and ONNX Runtime copies its result into that
    /// buffer: 6.4 MB a step at batch 32.
    /// </summary>
    private static void LmHead(OnnxGraphBuilder g, Gpt2Weights weights, string hidden, string wte, LogitsScope scope, bool writeDirectly)
    {
        int width = weights.Config.Width;
        if (scope == LogitsScope.LastPosition && writeDirectly)
        {
            string seq = g.Node("Gather", [g.Node("Shape", [hidden]), g.Int64Scalar(1)], ("axis", 0));
            string last = g.Node("Gather", [hidden, g.Node("Sub", [g.Node("Unsqueeze", [seq, g.Int64Constant(0)]), g.Int64Constant(1)])], ("axis", 1));
            g.NodeTo("FusedMatMul", OnnxGraphBuilder.MicrosoftDomain, [last, wte], ["logits"], ("transB", 1));
        }
        else if (scope == LogitsScope.LastPosition)
        {
            // Only the last position's logits are computed: the rest would be thrown away.
            string seq = g.Node("Gather", [g.Node("Shape", [hidden]), g.Int64Scalar(1)], ("axis", 0));
            string last = g.Node("Gather", [hidden, g.Node("Sub", [seq, g.Int64Scalar(1)])], ("axis", 1));
            string logits2d = g.Node("Gemm", [last, wte], ("transB", 1));
            g.NodeTo("Unsqueeze", [ToFloat32(g, logits2d), g.Int64Constant(1)], "logits");
        }
        else
        {
            string flat = g.Node("Reshape", [hidden, g.Int64Constant(-1, width)]);
            string logits2d = g.Node("Gemm", [flat, wte], ("transB", 1));
            string batchSeq = g.Node("Slice", [g.Node("Shape", [hidden]), g.Int64Constant(0), g.Int64Constant(2)]);
            string shape = g.Node("Concat", [batchSeq, g.Int64Constant(weights.Config.VocabularySize)], ("axis", 0));
            g.NodeTo("Reshape", [ToFloat32(g, logits2d), shape], "logits");
        }
    }

    /// <summary>The last position's logits (or every position's) through <paramref name="head"/> (a quantized graph).</summary>
    private static void LastPositionHead(OnnxGraphBuilder g, string hidden, Action<string, string> head, LogitsScope scope)
    {
        string logits = g.Half ? g.Unique("logits_half") : "logits";
        if (scope == LogitsScope.AllPositions)
        {
            head(hidden, logits);
        }
        else
        {
            string seq = g.Node("Gather", [g.Node("Shape", [hidden]), g.Int64Scalar(1)], ("axis", 0));
            string last = g.Node("Gather", [hidden, g.Node("Sub", [g.Node("Unsqueeze", [seq, g.Int64Constant(0)]), g.Int64Constant(1)])], ("axis", 1));
            head(last, logits);
        }
        if (g.Half) g.NodeTo("Cast", [logits], "logits", ("to", (int)TensorProto.Types.DataType.Float));
    }

    /// <summary>Each row's logits at its own <c>last_index</c>, <c>[batch, 1, vocabulary]</c>, straight into the caller's buffer.</summary>
    private static void SlotLmHead(OnnxGraphBuilder g, string hidden, Action<string, string> head)
    {
        // GatherND with one batch dimension: indices [batch, 1, 1] pick hidden[b, last_index[b]] as [batch, 1, width].
        string indices = g.Node("Unsqueeze", ["last_index", g.Int64Constant(1, 2)]);
        string last = g.Node("GatherND", [hidden, indices], ("batch_dims", 1L));
        string logits = g.Half ? g.Unique("logits_half") : "logits";
        head(last, logits);
        if (g.Half) g.NodeTo("Cast", [logits], "logits", ("to", (int)TensorProto.Types.DataType.Float));
    }

    private static string ToFloat32(OnnxGraphBuilder g, string value) =>
        g.Half ? g.Node("Cast", [value], ("to", (int)TensorProto.Types.DataType.Float)) : value;
}
