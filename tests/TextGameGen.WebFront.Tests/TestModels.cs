using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Packaging;
using TextGameGen.Pipeline.Training;

namespace TextGameGen.WebFront.Tests;

/// <summary>Model directories for the test servers, built here from seeded weights (nothing is downloaded).</summary>
public static class TestModels
{
    /// <summary>What the trained "hostile" model writes after any &lt;|action|&gt;: markup that must show as text.</summary>
    public const string HostilePassage = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>";

    private static readonly Lazy<string> s_tiny = new(() => Save("tiny-random", Gpt2Weights.CreateRandom(Gpt2Config.Tiny, seed: 21)));
    private static readonly Lazy<string> s_slow = new(() => Save("slow-random", Gpt2Weights.CreateRandom(new Gpt2Config(4, 4, 256, 1024, Gpt2Config.StoryVocabularySize), seed: 23)));
    private static readonly Lazy<string> s_hostile = new(() => Save("tiny-hostile", TrainHostile()));

    /// <summary>The tiny shape (2 layers, 64 wide, 128 tokens of context) with seeded random weights.</summary>
    public static string TinyRandom => s_tiny.Value;

    /// <summary>
    /// A wider random model (4 layers, 256 wide, 1024 tokens of context): a step takes milliseconds, not a fraction of one,
    /// and passages can be hundreds of tokens, so a line of waiting passages lasts seconds (the tiny model drains one in
    /// about 100 ms, less than a test needs to see a place in line and leave).
    /// </summary>
    public static string SlowRandom => s_slow.Value;

    /// <summary>A tiny model trained here, with our C# trainer, until it writes <see cref="HostilePassage"/> after &lt;|action|&gt;.</summary>
    public static string Hostile => s_hostile.Value;

    private static Gpt2Weights TrainHostile()
    {
        var line = StoryTokens.Action + HostilePassage + StoryTokens.EndOfText;
        var ids = StoryTokenizer.Shared.Encode(string.Concat(Enumerable.Repeat(line, 40)));
        var model = new TrainingModel(Gpt2Weights.CreateRandom(Gpt2Config.Tiny, seed: 5));
        const int b = 4, t = 32, steps = 200;
        var optimizer = new AdamW(model, new TrainingSettings { LearningRate = 1e-2f, WarmupSteps = 10, TotalSteps = steps, WeightDecay = 0 });
        var random = new Random(3);
        var inputs = new int[b * t];
        var targets = new int[b * t];
        for (int step = 0; step < steps; step++)
        {
            for (int row = 0; row < b; row++)
            {
                int start = random.Next(ids.Length - t - 1);
                Array.Copy(ids, start, inputs, row * t, t);
                Array.Copy(ids, start + 1, targets, row * t, t);
            }
            model.ZeroGradients();
            model.Forward(inputs, targets, b, t);
            model.Backward();
            optimizer.Update();
        }
        return model.ToWeights();
    }

    private static string Save(string name, Gpt2Weights weights)
    {
        var dir = Path.Combine(Path.GetTempPath(), "tgg-tests", $"{name}-{Environment.ProcessId}");
        if (!File.Exists(Path.Combine(dir, ModelDirectory.ModelFile)))
            ModelDirectory.Save(dir, weights, OnnxExportOptions.Default, new ModelSource { Kind = name });
        return dir;
    }
}
