using TextGameGen.Contracts.Generation;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Reference;
using TextGameGen.Inference.Runtime;
using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Inference.Tests;

/// <summary>What the slot-layout tests share: a decoder for some weights, a passage's text, a row's logits against the reference.</summary>
internal static class SlotTestHelpers
{
    public const float Tolerance = 1e-4f;

    /// <param name="batchedPrefixes">Also attach the prefix model, so prompts with kept openings are prefilled together.</param>
    public static SlotBatchDecoder Open(Gpt2Weights weights, int rows, int maxLength, bool batchedPrefixes = false) =>
        SlotBatchDecoder.Create(weights, WeightFormat.Float, rows, maxLength, keptPrefixes: batchedPrefixes);

    public static async Task<string> Text(GenerationScheduler scheduler, int[] prompt, SamplerSettings settings)
    {
        var text = new System.Text.StringBuilder();
        GenerationEvent? last = null;
        await foreach (var e in scheduler.GenerateAsync(prompt, settings))
        {
            text.Append(e.Text);
            last = e;
        }
        Assert.Equal(GenerationOutcome.Completed, last!.Outcome);
        return text.ToString();
    }

    public static void AssertRow(ReferenceGpt2 reference, List<int> tokens, float[] logits, int row, int vocab)
    {
        var expected = reference.Forward(tokens.ToArray()).AsSpan((tokens.Count - 1) * vocab, vocab);
        float diff = TestModels.MaxAbsDiff(expected, logits.AsSpan(row * vocab, vocab));
        Assert.True(diff <= Tolerance, $"row {row}: logits differ by {diff}");
    }
}
