using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Reference;
using TextGameGen.Inference.Runtime;
using TextGameGen.Pipeline.Evaluation;

namespace TextGameGen.Pipeline.Tests;

public sealed class PerplexityEvaluatorTests
{
    private static readonly string[] Lines =
    [
        "<|action|>The traveller reached the village at dusk.<|endoftext|>",
        "<|dialogue|>\"Welcome, stranger!\" said the elder.<|endoftext|>",
        "<|quest|>Bring me the silver key from the old mill.<|endoftext|>",
        "<|action|>Night fell.<|endoftext|>",
    ];

    [Fact]
    public void PerplexityThroughTheServingPathEqualsTheReferenceForwardPass()
    {
        var weights = Gpt2Weights.CreateRandom(new Gpt2Config(2, 2, 64, 64, Gpt2Config.StoryVocabularySize), seed: 9);
        using var session = Gpt2Session.Open(Gpt2OnnxWriter.ToBytes(weights));
        var result = PerplexityEvaluator.Evaluate(session, Lines, contextLength: 64, batchSize: 3);

        var reference = new ReferenceGpt2(weights);
        int vocab = weights.Config.VocabularySize;
        double nll = 0;
        long count = 0;
        foreach (var line in Lines)
        {
            var ids = StoryTokenizer.Shared.Encode(line);
            var logits = reference.Forward(ids);
            for (int t = 1; t < ids.Length; t++, count++)
                nll -= PerplexityEvaluator.LogSoftmaxAt(logits.AsSpan((t - 1) * vocab, vocab), ids[t]);
        }

        Assert.Equal(count, result.PredictedTokens);
        Assert.Equal(Math.Exp(nll / count), result.Perplexity, result.Perplexity * 1e-4);
        // An untrained model is close to guessing uniformly among 50260 tokens.
        Assert.InRange(result.Perplexity, 20_000, 100_000);
    }
}
