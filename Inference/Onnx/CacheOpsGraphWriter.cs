using Onnx;

namespace TextGameGen.Inference.Onnx;

/// <summary>
/// Small ONNX graphs that reshape a batch of KV caches where they live (on the GPU, when the model runs there),
/// all layers in one run: keep some rows and trim leading padding; append one batch to another with left padding.
/// </summary>
internal static class CacheOpsGraphWriter
{
    /// <summary>Inputs <c>rows</c> [R] and <c>start</c> [1] (int64) and <c>cache.{j}</c>; outputs <c>kept.{j}</c> = cache.j[rows, :, start:, :].</summary>
    public static byte[] KeepRows(int tensors, bool half)
    {
        var g = new OnnxGraphBuilder(half);
        int i64 = (int)TensorProto.Types.DataType.Int64;
        g.Input("rows", i64, "rows");
        g.Input("start", i64, 1);
        string ends = g.Int64Constant(long.MaxValue), axes = g.Int64Constant(2);
        for (int j = 0; j < tensors; j++)
        {
            g.Input($"cache.{j}", g.FloatType, "batch", "heads", "length", "head_dim");
            g.Output($"kept.{j}", g.FloatType, "rows", "heads", "kept_length", "head_dim");
            string gathered = g.Node("Gather", [$"cache.{j}", "rows"], ("axis", 0));
            g.NodeTo("Slice", [gathered, "start", ends, axes], $"kept.{j}");
        }
        return Model(g);
    }

    /// <summary>Inputs <c>pad_a</c>, <c>pad_b</c> (int64 [8], ONNX Pad layout) and <c>a.{j}</c>, <c>b.{j}</c>; outputs <c>joined.{j}</c>.</summary>
    public static byte[] AppendRows(int tensors, bool half)
    {
        var g = new OnnxGraphBuilder(half);
        int i64 = (int)TensorProto.Types.DataType.Int64;
        g.Input("pad_a", i64, 8);
        g.Input("pad_b", i64, 8);
        string zero = g.FloatScalar(0f);
        for (int j = 0; j < tensors; j++)
        {
            g.Input($"a.{j}", g.FloatType, "batch_a", "heads", "length_a", "head_dim");
            g.Input($"b.{j}", g.FloatType, "batch_b", "heads", "length_b", "head_dim");
            g.Output($"joined.{j}", g.FloatType, "batch", "heads", "length", "head_dim");
            string a = g.Node("Pad", [$"a.{j}", "pad_a", zero], ("mode", "constant"));
            string b = g.Node("Pad", [$"b.{j}", "pad_b", zero], ("mode", "constant"));
            g.NodeTo("Concat", [a, b], $"joined.{j}", ("axis", 0));
        }
        return Model(g);
    }

    private static byte[] Model(OnnxGraphBuilder g) => g.ToModelBytes();
}
