using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Reference;

namespace TextGameGen.Inference.Tests;

public sealed class OnnxGraphMatchesReferenceTests
{
    private const float Fp32Tolerance = 1e-4f;

    public static TheoryData<string, GraphStyle> ShapesAndStyles => new()
    {
        { "tiny", GraphStyle.Plain },
        { "tiny", GraphStyle.Fused },
        { "narrow", GraphStyle.Plain },
        { "narrow", GraphStyle.Fused },
    };

    private static Gpt2Weights WeightsFor(string shape) =>
        shape == "tiny" ? TestModels.TinyWeights : Gpt2Weights.CreateRandom(TestModels.Narrow, seed: 11);

    [Theory]
    [MemberData(nameof(ShapesAndStyles))]
    public void AllPositionLogitsEqualTheReferenceForwardPass(string shape, GraphStyle style)
    {
        var weights = WeightsFor(shape);
        var tokens = TestModels.RandomTokens(13, seed: 3);
        var expected = new ReferenceGpt2(weights).Forward(tokens);

        using var session = TestModels.Open(weights, new OnnxExportOptions { Style = style, Logits = LogitsScope.AllPositions });
        var actual = session.AllPositionLogits(tokens);

        Assert.True(TestModels.MaxAbsDiff(expected, actual) <= Fp32Tolerance, $"max abs diff {TestModels.MaxAbsDiff(expected, actual)}");
    }

    [Theory]
    [MemberData(nameof(ShapesAndStyles))]
    public void LastPositionGraphGivesTheReferenceLastRow(string shape, GraphStyle style)
    {
        var weights = WeightsFor(shape);
        var tokens = TestModels.RandomTokens(9, seed: 4);
        var expected = new ReferenceGpt2(weights).Forward(tokens);
        int vocab = weights.Config.VocabularySize;

        using var session = TestModels.Open(weights, new OnnxExportOptions { Style = style });
        var logits = new float[vocab];
        using var cache = session.Prefill([tokens], logits);

        Assert.True(TestModels.MaxAbsDiff(expected.AsSpan((tokens.Length - 1) * vocab, vocab), logits) <= Fp32Tolerance);
    }

    [Fact]
    public void PlainAndFusedGraphsGiveTheSameLogits()
    {
        var weights = Gpt2Weights.CreateRandom(TestModels.Narrow, seed: 5);
        var tokens = TestModels.RandomTokens(20, seed: 6);
        using var plain = TestModels.Open(weights, new OnnxExportOptions { Style = GraphStyle.Plain, Logits = LogitsScope.AllPositions });
        using var fused = TestModels.Open(weights, new OnnxExportOptions { Style = GraphStyle.Fused, Logits = LogitsScope.AllPositions });

        Assert.True(TestModels.MaxAbsDiff(plain.AllPositionLogits(tokens), fused.AllPositionLogits(tokens)) <= Fp32Tolerance);
    }

    [Fact]
    public void Float16GraphStaysCloseToFloat32()
    {
        var weights = TestModels.TinyWeights;
        var tokens = TestModels.RandomTokens(8, seed: 8);
        using var half = TestModels.Open(weights, new OnnxExportOptions { Style = GraphStyle.Plain, Float16 = true, Logits = LogitsScope.AllPositions });
        var expected = new ReferenceGpt2(weights).Forward(tokens);

        Assert.True(half.IsHalf);
        Assert.True(TestModels.MaxAbsDiff(expected, half.AllPositionLogits(tokens)) <= 0.05f);
    }
}
