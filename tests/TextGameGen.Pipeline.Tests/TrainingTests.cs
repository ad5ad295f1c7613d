using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Reference;
using TextGameGen.Inference.Runtime;
using TextGameGen.Pipeline.Evaluation;
using TextGameGen.Pipeline.Training;

namespace TextGameGen.Pipeline.Tests;

public sealed class TrainingTests
{
    private static readonly Gpt2Config Little = new(2, 2, 16, 8, 40);

    private static (int[] Inputs, int[] Targets) Batch(int seed, int b = 2, int t = 6, int vocab = 40)
    {
        var random = new Random(seed);
        var seq = Enumerable.Range(0, b * (t + 1)).Select(_ => random.Next(vocab)).ToArray();
        var inputs = new int[b * t];
        var targets = new int[b * t];
        for (int r = 0; r < b; r++)
            for (int i = 0; i < t; i++) { inputs[r * t + i] = seq[r * (t + 1) + i]; targets[r * t + i] = seq[r * (t + 1) + i + 1]; }
        return (inputs, targets);
    }

    [Fact]
    public void TheForwardPassEqualsTheReferenceModel()
    {
        var weights = Gpt2Weights.CreateRandom(Little, seed: 3);
        var model = new TrainingModel(weights);
        var (inputs, targets) = Batch(1, b: 1, t: 8);
        double loss = model.Forward(inputs, targets, 1, 8);

        var logits = new ReferenceGpt2(weights).Forward(inputs);
        double expected = 0;
        for (int i = 0; i < 8; i++) expected -= PerplexityEvaluator.LogSoftmaxAt(logits.AsSpan(i * 40, 40), targets[i]);
        Assert.Equal(expected / 8, loss, 4);
    }

    [Fact]
    public void LogitsFarAboveWhatExpCanHoldStillGiveTheReferenceLossAndFiniteGradients()
    {
        // Weights (layer norm gains too) scaled so the LM head's logits and the attention scores pass 88, where float's exp overflows.
        var weights = Gpt2Weights.CreateRandom(Little, seed: 3);
        foreach (var tensor in weights.Tensors)
            for (int i = 0; i < tensor.Data.Length; i++) tensor.Data[i] *= tensor.Name.Contains("ln_") ? 20 : 40;
        var model = new TrainingModel(weights);
        var (inputs, targets) = Batch(1, b: 1, t: 8);
        model.ZeroGradients();
        double loss = model.Forward(inputs, targets, 1, 8);
        model.Backward();

        var logits = new ReferenceGpt2(weights).Forward(inputs);
        Assert.True(logits.Max() > 100, $"the test needs logits above exp's range; the largest is {logits.Max()}");
        double expected = 0;
        for (int i = 0; i < 8; i++) expected += Math.Min(-PerplexityEvaluator.LogSoftmaxAt(logits.AsSpan(i * 40, 40), targets[i]), -Math.Log(1e-30f));
        Assert.True(double.IsFinite(loss));
        Assert.Equal(expected / 8, loss, 2); // each token's loss is capped at -log(1e-30), as the trainer does
        Assert.All(model.Gradients.Values, g => Assert.True(g.All(float.IsFinite)));
    }

    [Fact]
    public void ANonFiniteGradientIsRefusedBeforeAnyWeightChanges()
    {
        var model = new TrainingModel(Gpt2Weights.CreateRandom(Little, seed: 3));
        var before = model.ToWeights();
        var optimizer = new AdamW(model, new TrainingSettings { LearningRate = 1e-3f, TotalSteps = 10, WarmupSteps = 1 });
        model.ZeroGradients();
        model.Gradients.First().Value[0] = float.NaN;

        Assert.Throws<InvalidDataException>(() => optimizer.Update());
        Assert.Equal(0, optimizer.Step);
        Assert.All(model.ToWeights().Tensors.Zip(before.Tensors), p => Assert.Equal(p.Second.Data, p.First.Data));
    }

    [Fact]
    public void EveryLayersGradientMatchesFiniteDifferences()
    {
        // Larger weights than GPT-2's init so every layer's gradient is well above float32 noise.
        var weights = Gpt2Weights.CreateRandom(Little, seed: 5);
        foreach (var tensor in weights.Tensors)
            if (!tensor.Name.Contains("ln_")) for (int i = 0; i < tensor.Data.Length; i++) tensor.Data[i] *= 10;
        var model = new TrainingModel(weights);
        var (inputs, targets) = Batch(2);
        model.ZeroGradients();
        model.Forward(inputs, targets, 2, 6);
        model.Backward();

        const float eps = 1e-2f;
        var random = new Random(7);
        foreach (var (name, parameter) in model.Parameters)
        {
            var grad = model.Gradients[name];
            // Check the entries with the largest gradients, plus a few at random.
            var indices = Enumerable.Range(0, parameter.Length).OrderByDescending(i => Math.Abs(grad[i])).Take(3)
                .Concat(Enumerable.Range(0, 2).Select(_ => random.Next(parameter.Length))).Distinct();
            foreach (int i in indices)
            {
                float original = parameter[i];
                parameter[i] = original + eps;
                double up = model.Forward(inputs, targets, 2, 6);
                parameter[i] = original - eps;
                double down = model.Forward(inputs, targets, 2, 6);
                parameter[i] = original;
                double numeric = (up - down) / (2 * eps);
                Assert.True(Math.Abs(numeric - grad[i]) <= 2e-3 + 0.05 * Math.Abs(numeric),
                    $"{name}[{i}]: analytic {grad[i]:G5}, numeric {numeric:G5}");
            }
        }
    }

    [Fact]
    public void TrainingLowersDevLossAndTheOnnxExportAgreesWithTheTrainer()
    {
        // A corpus with structure: each sequence counts up from a random start, modulo the vocabulary.
        var config = new Gpt2Config(2, 2, 32, 16, 40);
        var model = new TrainingModel(Gpt2Weights.CreateRandom(config, seed: 11));
        var optimizer = new AdamW(model, new TrainingSettings { LearningRate = 3e-3f, WarmupSteps = 5, TotalSteps = 60 });
        (int[], int[]) Counting(int seed)
        {
            var random = new Random(seed);
            var inputs = new int[4 * 16];
            var targets = new int[4 * 16];
            for (int r = 0; r < 4; r++)
            {
                int start = random.Next(40);
                for (int i = 0; i < 16; i++) { inputs[r * 16 + i] = (start + i) % 40; targets[r * 16 + i] = (start + i + 1) % 40; }
            }
            return (inputs, targets);
        }
        var dev = Counting(999);
        double before = model.Forward(dev.Item1, dev.Item2, 4, 16);
        for (int step = 0; step < 60; step++)
        {
            var (x, y) = Counting(step);
            model.ZeroGradients();
            model.Forward(x, y, 4, 16);
            model.Backward();
            optimizer.Update();
        }
        double after = model.Forward(dev.Item1, dev.Item2, 4, 16);
        Assert.True(after < before * 0.5, $"dev loss {before:F3} -> {after:F3}");

        // The trained weights, exported, give the same perplexity through the serving path (within 1%).
        using var session = Gpt2Session.Open(Gpt2OnnxWriter.ToBytes(model.ToWeights()));
        var sequences = Enumerable.Range(0, 4).Select(r => new[] { dev.Item1[r * 16] }.Concat(dev.Item2[(r * 16)..(r * 16 + 16)]).ToArray()).ToList();
        var onnx = PerplexityEvaluator.Evaluate(session, sequences, config.Context);
        Assert.Equal(Math.Exp(after), onnx.Perplexity, Math.Exp(after) * 0.01);
    }

    [Fact]
    public void TheSameRunTwiceGivesTheSameWeightsBitForBit()
    {
        // Parallel kernels must not make training depend on thread timing (exact resume relies on it).
        float[] Train()
        {
            var model = new TrainingModel(Gpt2Weights.CreateRandom(new Gpt2Config(2, 2, 64, 32, 300), seed: 4));
            var optimizer = new AdamW(model, new TrainingSettings { LearningRate = 1e-2f, WarmupSteps = 2, TotalSteps = 6 });
            for (int step = 0; step < 6; step++)
            {
                var (x, y) = Batch(step, b: 8, t: 32, vocab: 300);
                model.ZeroGradients();
                model.Forward(x, y, 8, 32);
                model.Backward();
                optimizer.Update();
            }
            return [.. model.Parameters.OrderBy(p => p.Key).SelectMany(p => p.Value)];
        }
        Assert.Equal(Train(), Train());
    }
}
