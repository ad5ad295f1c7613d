using TextGameGen.Inference.Onnx;

namespace TextGameGen.Inference.Tests;

/// <summary>Where the writer avoids copies that ONNX Runtime would otherwise make every decode step.</summary>
public sealed class OnnxGraphLayoutTests
{
    [Fact]
    public void TheFusedGraphsMultiplyStraightIntoTheLogitsOutput()
    {
        foreach (var options in new[] { new OnnxExportOptions { Style = GraphStyle.Fused }, new OnnxExportOptions { SlotCache = true } })
        {
            var graph = Gpt2OnnxWriter.Build(TestModels.TinyWeights, options).Graph;
            var producer = Assert.Single(graph.Node, n => n.Output.Contains("logits"));
            Assert.Equal("FusedMatMul", producer.OpType); // not a reshape of a Gemm's result, which would be copied into the caller's buffer
        }
    }

    [Fact]
    public void TheSlotCacheGraphPassesQueryKeyAndValuePackedToAttention()
    {
        var graph = Gpt2OnnxWriter.Build(TestModels.TinyWeights, new OnnxExportOptions { SlotCache = true }).Graph;
        Assert.DoesNotContain(graph.Node, n => n.OpType == "Split");
        Assert.All(graph.Node.Where(n => n.OpType == "GroupQueryAttention"), n => Assert.Equal("", n.Input[1]));
    }
}
