using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Reference;

namespace TextGameGen.Inference.Tests;

public sealed class KvCacheDecodingTests
{
    private const float Tolerance = 1e-4f;

    [Theory]
    [InlineData(GraphStyle.Plain)]
    [InlineData(GraphStyle.Fused)]
    public void DecodingStepByStepEqualsRecomputingTheWholeSequence(GraphStyle style)
    {
        var weights = TestModels.TinyWeights;
        int vocab = weights.Config.VocabularySize;
        var tokens = TestModels.RandomTokens(12, seed: 21);
        var reference = new ReferenceGpt2(weights).Forward(tokens);
        using var session = TestModels.Open(weights, new OnnxExportOptions { Style = style });

        var logits = new float[vocab];
        using var cache = session.Prefill([tokens[..4]], logits);
        for (int t = 4; t < tokens.Length; t++)
        {
            session.Decode(cache, [tokens[t]], logits);
            var expected = reference.AsSpan(t * vocab, vocab);
            Assert.True(TestModels.MaxAbsDiff(expected, logits) <= Tolerance, $"step {t}: {TestModels.MaxAbsDiff(expected, logits)}");
        }
        Assert.Equal(tokens.Length, cache.Length);
    }

    [Theory]
    [InlineData(GraphStyle.Plain)]
    [InlineData(GraphStyle.Fused)]
    public void EachRowOfABatchWithDifferentPromptLengthsEqualsItsUnbatchedResult(GraphStyle style)
    {
        var weights = Gpt2Weights.CreateRandom(TestModels.Narrow, seed: 31);
        int vocab = weights.Config.VocabularySize;
        using var session = TestModels.Open(weights, new OnnxExportOptions { Style = style });
        int[][] prompts = [TestModels.RandomTokens(3, 1), TestModels.RandomTokens(11, 2), TestModels.RandomTokens(7, 3)];
        int[][] continuations = prompts.Select((_, i) => TestModels.RandomTokens(5, 10 + i)).ToArray();

        var batched = new float[prompts.Length * vocab];
        using var cache = session.Prefill(prompts, batched);
        var batchedSteps = new List<float[]> { (float[])batched.Clone() };
        for (int step = 0; step < 5; step++)
        {
            session.Decode(cache, continuations.Select(c => c[step]).ToArray(), batched);
            batchedSteps.Add((float[])batched.Clone());
        }

        for (int row = 0; row < prompts.Length; row++)
        {
            var alone = new float[vocab];
            using var single = session.Prefill([prompts[row]], alone);
            Assert.True(TestModels.MaxAbsDiff(batchedSteps[0].AsSpan(row * vocab, vocab), alone) <= Tolerance, $"row {row} prefill");
            for (int step = 0; step < 5; step++)
            {
                session.Decode(single, [continuations[row][step]], alone);
                float diff = TestModels.MaxAbsDiff(batchedSteps[step + 1].AsSpan(row * vocab, vocab), alone);
                Assert.True(diff <= Tolerance, $"row {row} step {step}: {diff}");
            }
        }
        Assert.True(cache.PaddingRatio > 0);
    }
}
