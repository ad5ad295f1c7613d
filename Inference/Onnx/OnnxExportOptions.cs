namespace TextGameGen.Inference.Onnx;

/// <summary>How the decoder graph is built.</summary>
public enum GraphStyle
{
    /// <summary>Standard ONNX operators only (LayerNormalization, MatMul, Softmax, Gelu).</summary>
    Plain,

    /// <summary>ONNX Runtime's fused <c>com.microsoft</c> operators (MultiHeadAttention, SkipLayerNormalization, FastGelu).</summary>
    Fused,
}

/// <summary>Which positions get logits.</summary>
public enum LogitsScope
{
    /// <summary><c>logits</c> is <c>[batch, 1, vocab]</c>: the last position only, all that generation needs.</summary>
    LastPosition,

    /// <summary><c>logits</c> is <c>[batch, seq, vocab]</c>, as Optimum exports it; used for perplexity.</summary>
    AllPositions,
}

/// <summary>Options for <see cref="Gpt2OnnxWriter"/>.</summary>
public sealed record OnnxExportOptions
{
    public GraphStyle Style { get; init; } = GraphStyle.Fused;

    /// <summary>Float16 weights, activations, caches and logits (for GPUs).</summary>
    public bool Float16 { get; init; }

    public LogitsScope Logits { get; init; } = LogitsScope.LastPosition;

    /// <summary>
    /// The slot-cache flavour instead of Optimum's layout: past and present are one preallocated
    /// <c>[batch, heads, max_length, head_dim]</c> buffer per layer, written in place by GroupQueryAttention, and each
    /// row has its own length (<c>seqlens_k</c>, <c>total_sequence_length</c>; no <c>attention_mask</c>). Fused style only.
    /// </summary>
    public bool SlotCache { get; init; }

    /// <summary>
    /// Optimum's layout with one more input, <c>last_index</c> (<c>[batch]</c>): each row's logits come from its own
    /// position, so rows right-padded to the longest are batched (the slot layout does this already). Fused style only;
    /// the slot decoder prefills several prompts with kept openings at once through such a graph.
    /// </summary>
    public bool RowLastIndex { get; init; }

    /// <summary>
    /// How the weights of the matrix multiplies (and the tied embedding) are stored: float, or weight-only quantized
    /// (<see cref="WeightFormat"/>). Quantized formats need the fused style and float32 activations.
    /// </summary>
    public WeightFormat Weights { get; init; }

    public static OnnxExportOptions Default { get; } = new();
}
