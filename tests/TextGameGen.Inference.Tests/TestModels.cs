using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Runtime;

namespace TextGameGen.Inference.Tests;

/// <summary>Small models with seeded random weights, built once per test run.</summary>
internal static class TestModels
{
    /// <summary>A second shape besides tiny: 3 layers, 4 heads of 24, 96 wide.</summary>
    public static readonly Gpt2Config Narrow = new(3, 4, 96, 64, Gpt2Config.StoryVocabularySize);

    private static readonly Lazy<Gpt2Weights> s_tiny = new(() => Gpt2Weights.CreateRandom(Gpt2Config.Tiny, seed: 7));
    private static readonly Lazy<Gpt2Session> s_tinySession = new(() => Gpt2Session.Open(Gpt2OnnxWriter.ToBytes(TinyWeights)));

    public static Gpt2Weights TinyWeights => s_tiny.Value;

    private static readonly Lazy<Gpt2Session> s_slowSession = new(() =>
        Gpt2Session.Open(Gpt2OnnxWriter.ToBytes(Gpt2Weights.CreateRandom(new Gpt2Config(4, 4, 256, 1024, Gpt2Config.StoryVocabularySize), seed: 8))));

    /// <summary>
    /// A wider model (4 layers, 256 wide, 1024 positions): a step takes milliseconds, so a long generation holds a slot
    /// for a second or more, long enough for a test to queue others behind it on a busy machine.
    /// </summary>
    public static Gpt2Session SlowSession => s_slowSession.Value;

    /// <summary>The tiny model in the default (fused, last-position) graph, shared across tests.</summary>
    public static Gpt2Session TinySession => s_tinySession.Value;

    public static Gpt2Session Open(Gpt2Weights weights, OnnxExportOptions options) =>
        Gpt2Session.Open(Gpt2OnnxWriter.ToBytes(weights, options));

    public static int[] RandomTokens(int count, int seed, int vocabulary = 50257)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(vocabulary)).ToArray();
    }

    public static float MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        float max = 0;
        for (int i = 0; i < a.Length; i++) max = MathF.Max(max, MathF.Abs(a[i] - b[i]));
        return max;
    }
}
