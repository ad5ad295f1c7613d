using TextGameGen.Inference.Model;

namespace TextGameGen.Inference.Onnx;

/// <summary>The transformer blocks of the decoder, in plain ONNX operators or in ONNX Runtime's fused ones.</summary>
internal sealed class DecoderBlocks(OnnxGraphBuilder g, Gpt2Weights weights, string attentionBias, QuantizedWeights? quantized = null)
{
    private readonly Gpt2Config _c = weights.Config;

    /// <summary><paramref name="input"/> x the layer's [k, n] weight: MatMul, or MatMulNBits in a quantized graph.</summary>
    private string Linear(string input, int layer, string suffix, int k, int n) => quantized is null
        ? g.Node("MatMul", [input, W(layer, suffix, k, n)])
        : quantized.MatMul(input, $"h.{layer}.{suffix}", weights.Layer(layer, suffix).Data, k, n, kStride: n, nStride: 1);

    private string W(int layer, string suffix, params int[] dims) =>
        g.Weight($"h.{layer}.{suffix}", weights.Layer(layer, suffix).Data, dims);

    private string Ln(string name, int layer = -1) => layer < 0
        ? g.Weight(name, weights[name].Data, _c.Width)
        : W(layer, name, _c.Width);

    /// <summary>Standard operators; returns the final layer-normed hidden state <c>[batch, seq, width]</c>.</summary>
    public string Plain(string tokenEmbedding, string positionEmbedding)
    {
        int w = _c.Width, heads = _c.Heads, d = _c.HeadDim;
        string x = g.Node("Add", [tokenEmbedding, positionEmbedding]);
        string toHeads = g.Int64Constant(0, 0, heads, d);
        string toWidth = g.Int64Constant(0, 0, w);
        string split = g.Int64Constant(w, w, w);
        string scale = g.FloatScalar(1f / MathF.Sqrt(d));
        for (int i = 0; i < _c.Layers; i++)
        {
            string ln1 = LayerNorm(x, Ln("ln_1.weight", i), Ln("ln_1.bias", i));
            string qkv = g.Node("Add", [g.Node("MatMul", [ln1, W(i, "attn.c_attn.weight", w, 3 * w)]), W(i, "attn.c_attn.bias", 3 * w)]);
            var parts = g.NodeMulti("Split", [qkv, split], 3, ("axis", 2));
            string q = g.Node("Transpose", [g.Node("Reshape", [parts[0], toHeads])], ("perm", new long[] { 0, 2, 1, 3 }));
            string k = g.Node("Transpose", [g.Node("Reshape", [parts[1], toHeads])], ("perm", new long[] { 0, 2, 1, 3 }));
            string v = g.Node("Transpose", [g.Node("Reshape", [parts[2], toHeads])], ("perm", new long[] { 0, 2, 1, 3 }));
            string keys = g.NodeTo("Concat", [$"past_key_values.{i}.key", k], $"present.{i}.key", ("axis", 2));
            string values = g.NodeTo("Concat", [$"past_key_values.{i}.value", v], $"present.{i}.value", ("axis", 2));
            string scores = g.Node("MatMul", [g.Node("Mul", [q, scale]), g.Node("Transpose", [keys], ("perm", new long[] { 0, 1, 3, 2 }))]);
            string probs = g.Node("Softmax", [g.Node("Add", [scores, attentionBias])], ("axis", -1));
            string context = g.Node("Transpose", [g.Node("MatMul", [probs, values])], ("perm", new long[] { 0, 2, 1, 3 }));
            string attn = g.Node("MatMul", [g.Node("Reshape", [context, toWidth]), W(i, "attn.c_proj.weight", w, w)]);
            x = g.Node("Add", [x, g.Node("Add", [attn, W(i, "attn.c_proj.bias", w)])]);

            string ln2 = LayerNorm(x, Ln("ln_2.weight", i), Ln("ln_2.bias", i));
            string fc = g.Node("Add", [g.Node("MatMul", [ln2, W(i, "mlp.c_fc.weight", w, 4 * w)]), W(i, "mlp.c_fc.bias", 4 * w)]);
            string act = g.Node("Gelu", [fc], ("approximate", "tanh"));
            string mlp = g.Node("Add", [Linear(act, i, "mlp.c_proj.weight", 4 * w, w), W(i, "mlp.c_proj.bias", w)]);
            x = g.Node("Add", [x, mlp]);
        }
        return LayerNorm(x, Ln("ln_f.weight"), Ln("ln_f.bias"));
    }

    /// <summary>
    /// ONNX Runtime's fused operators: each residual add is folded into the next layer norm
    /// (SkipLayerNormalization), attention with its cache is one MultiHeadAttention, GELU takes its bias (FastGelu).
    /// </summary>
    public string Fused(string tokenEmbedding, string positionEmbedding, bool slotCache = false)
    {
        int w = _c.Width;
        string split = slotCache ? "" : g.Int64Constant(w, w, w);
        var (ln, x) = SkipLayerNorm(tokenEmbedding, positionEmbedding, Ln("ln_1.weight", 0), Ln("ln_1.bias", 0), bias: null);
        for (int i = 0; i < _c.Layers; i++)
        {
            string qkv = Linear(ln, i, "attn.c_attn.weight", w, 3 * w);
            string context = g.Unique("attention_out");
            if (slotCache)
            {
                // GroupQueryAttention takes no projection bias, and takes query, key and value packed in one tensor (no
                // Split); it writes the new keys and values in place at each row's length.
                string packed = g.Node("Add", [qkv, W(i, "attn.c_attn.bias", 3 * w)]);
                g.NodeTo("GroupQueryAttention", OnnxGraphBuilder.MicrosoftDomain,
                    [packed, "", "", $"past_key_values.{i}.key", $"past_key_values.{i}.value", "seqlens_k", "total_sequence_length"],
                    [context, $"present.{i}.key", $"present.{i}.value"], ("num_heads", _c.Heads), ("kv_num_heads", _c.Heads));
            }
            else
            {
                var parts = g.NodeMulti("Split", [qkv, split], 3, ("axis", 2));
                g.NodeTo("MultiHeadAttention", OnnxGraphBuilder.MicrosoftDomain,
                    [parts[0], parts[1], parts[2], W(i, "attn.c_attn.bias", 3 * w), "", attentionBias, $"past_key_values.{i}.key", $"past_key_values.{i}.value"],
                    [context, $"present.{i}.key", $"present.{i}.value"], ("num_heads", _c.Heads));
            }
            string attn = Linear(context, i, "attn.c_proj.weight", w, w);
            (ln, x) = SkipLayerNorm(attn, x, Ln("ln_2.weight", i), Ln("ln_2.bias", i), W(i, "attn.c_proj.bias", w));

            string fc = Linear(ln, i, "mlp.c_fc.weight", w, 4 * w);
            string act = g.MicrosoftNode("FastGelu", [fc, W(i, "mlp.c_fc.bias", 4 * w)], 1)[0];
            string mlp = Linear(act, i, "mlp.c_proj.weight", 4 * w, w);
            bool last = i == _c.Layers - 1;
            (ln, x) = SkipLayerNorm(mlp, x,
                last ? Ln("ln_f.weight") : Ln("ln_1.weight", i + 1),
                last ? Ln("ln_f.bias") : Ln("ln_1.bias", i + 1),
                W(i, "mlp.c_proj.bias", w));
        }
        return ln;
    }

    private string LayerNorm(string x, string gamma, string beta) =>
        g.Node("LayerNormalization", [x, gamma, beta], ("axis", -1), ("epsilon", Gpt2Config.LayerNormEpsilon));

    /// <summary>Returns (layernorm(input + skip + bias), input + skip + bias).</summary>
    private (string Normed, string Sum) SkipLayerNorm(string input, string skip, string gamma, string beta, string? bias)
    {
        string normed = g.Unique("skip_ln"), sum = g.Unique("residual");
        string[] inputs = bias is null ? [input, skip, gamma, beta] : [input, skip, gamma, beta, bias];
        g.NodeTo("SkipLayerNormalization", OnnxGraphBuilder.MicrosoftDomain, inputs, [normed, "", "", sum], ("epsilon", Gpt2Config.LayerNormEpsilon));
        return (normed, sum);
    }
}
