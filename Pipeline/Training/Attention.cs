using System.Numerics.Tensors;

namespace TextGameGen.Pipeline.Training;

/// <summary>
/// Causal multi-head self-attention, forward beside backward. The heads are first gathered into contiguous
/// <c>[batch x heads, T, head_dim]</c> blocks, so the products (scores = Q.K^T, output = P.V, and their gradients)
/// are batched matrix multiplies; only the masked softmax and its gradient are row loops.
/// </summary>
internal static class Attention
{
    /// <summary>What the forward pass keeps for the backward pass, per layer.</summary>
    public sealed class Saved(int b, int t, int c, int heads)
    {
        public readonly float[] Q = new float[b * t * c], K = new float[b * t * c], V = new float[b * t * c];

        /// <summary>Softmax probabilities, [B x H, T, T], zero above the diagonal.</summary>
        public readonly float[] Probabilities = new float[ScoreCount(b, t, heads)];
    }

    /// <summary>Scratch space shared by every layer (one layer runs at a time).</summary>
    public sealed class Workspace(int b, int t, int c, int heads)
    {
        public readonly float[] Heads = new float[b * t * c], Gradient = new float[b * t * c];
        public readonly float[] Scores = new float[ScoreCount(b, t, heads)];
    }

    private static int ScoreCount(int b, int t, int heads)
    {
        long size = (long)b * heads * t * t;
        return size <= Array.MaxLength ? (int)size
            : throw new ArgumentException($"Attention scores of batch {b} x {t} tokens x {heads} heads exceed one array; use a shorter sequence or a smaller batch.");
    }

    /// <summary>qkv is [B, T, 3C] (queries, keys, values side by side); output is [B, T, C].</summary>
    public static void Forward(float[] output, Saved saved, float[] qkv, Workspace work, int b, int t, int c, int heads)
    {
        var scratch = work.Heads;
        int d = c / heads, bh = b * heads;
        Gather(qkv, 3 * c, 0, saved.Q, b, t, heads, d);
        Gather(qkv, 3 * c, c, saved.K, b, t, heads, d);
        Gather(qkv, 3 * c, 2 * c, saved.V, b, t, heads, d);
        var p = saved.Probabilities;
        MatMuls.Shared.Batched(p, saved.Q, saved.K, bh, t, t, d, transB: true);
        float scale = 1f / MathF.Sqrt(d);
        Parallel.For(0, bh * t, r =>
        {
            int i = r % t;
            var row = p.AsSpan(r * t, t);
            var seen = row[..(i + 1)];
            TensorPrimitives.Multiply(seen, scale, seen);
            Kernels.StableSoftmax(seen);
            row[(i + 1)..].Clear();
        });
        MatMuls.Shared.Batched(scratch, p, saved.V, bh, t, d, t);
        Scatter(scratch, output, c, 0, b, t, heads, d, add: false);
    }

    /// <summary>Adds the gradients of q, k and v to dqkv ([B, T, 3C]) given dout ([B, T, C]).</summary>
    public static void Backward(float[] dqkv, float[] dout, Saved saved, Workspace work, int b, int t, int c, int heads)
    {
        int d = c / heads, bh = b * heads;
        var p = saved.Probabilities;
        float[] scratch = work.Heads, dscores = work.Scores, dO = work.Gradient;
        Gather(dout, c, 0, dO, b, t, heads, d);
        // dV = P^T . dO
        MatMuls.Shared.Batched(scratch, p, dO, bh, t, d, t, transA: true);
        Scatter(scratch, dqkv, 3 * c, 2 * c, b, t, heads, d, add: true);
        // dP = dO . V^T, then through the softmax: dS = P * (dP - sum(P * dP)) * scale
        MatMuls.Shared.Batched(dscores, dO, saved.V, bh, t, t, d, transB: true);
        float scale = 1f / MathF.Sqrt(d);
        Parallel.For(0, bh * t, r =>
        {
            int i = r % t;
            var prob = p.AsSpan(r * t, i + 1);
            var ds = dscores.AsSpan(r * t, t);
            var seen = ds[..(i + 1)];
            float dot = TensorPrimitives.Dot(prob, seen);
            TensorPrimitives.Subtract(seen, dot, seen);
            TensorPrimitives.Multiply(seen, prob, seen);
            TensorPrimitives.Multiply(seen, scale, seen);
            ds[(i + 1)..].Clear();
        });
        // dQ = dS . K; dK = dS^T . Q
        MatMuls.Shared.Batched(scratch, dscores, saved.K, bh, t, d, t);
        Scatter(scratch, dqkv, 3 * c, 0, b, t, heads, d, add: true);
        MatMuls.Shared.Batched(scratch, dscores, saved.Q, bh, t, d, t, transA: true);
        Scatter(scratch, dqkv, 3 * c, c, b, t, heads, d, add: true);
    }

    /// <summary>From rows of width <paramref name="stride"/> (column <paramref name="offset"/> on) into [B x H, T, d] blocks.</summary>
    private static void Gather(float[] source, int stride, int offset, float[] blocks, int b, int t, int heads, int d) =>
        Parallel.For(0, b * t, row =>
        {
            int bi = row / t, i = row % t;
            for (int h = 0; h < heads; h++)
                source.AsSpan(row * stride + offset + h * d, d).CopyTo(blocks.AsSpan(((bi * heads + h) * t + i) * d, d));
        });

    /// <summary>From [B x H, T, d] blocks back into rows of width <paramref name="stride"/>, written or added.</summary>
    private static void Scatter(float[] blocks, float[] target, int stride, int offset, int b, int t, int heads, int d, bool add) =>
        Parallel.For(0, b * t, row =>
        {
            int bi = row / t, i = row % t;
            for (int h = 0; h < heads; h++)
            {
                var from = blocks.AsSpan(((bi * heads + h) * t + i) * d, d);
                var to = target.AsSpan(row * stride + offset + h * d, d);
                if (add) TensorPrimitives.Add(to, from, to);
                else from.CopyTo(to);
            }
        });
}
