using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Reference;
using TextGameGen.Inference.Runtime;

namespace TextGameGen.Inference.Tests;

public sealed class SlotKvSessionTests
{
    private const float Tolerance = 1e-4f;

    [Fact]
    public void RowsOfDifferentLengthsJoinDecodeAndLeaveWithTheReferenceLogits()
    {
        var weights = Gpt2Weights.CreateRandom(TestModels.Narrow, seed: 61);
        int vocab = weights.Config.VocabularySize;
        var reference = new ReferenceGpt2(weights);
        using var session = SlotKvSession.Open(Gpt2OnnxWriter.ToBytes(weights, new OnnxExportOptions { SlotCache = true }), capacity: 4, maxLength: 32);
        var sequences = new List<List<int>> { TestModels.RandomTokens(3, 1).ToList(), TestModels.RandomTokens(9, 2).ToList() };
        var logits = new float[4 * vocab];

        foreach (var s in sequences)
        {
            session.AddRow(s, logits);
            AssertRowMatches(reference, s, logits, 0, vocab);
        }
        for (int step = 0; step < 4; step++)
        {
            var next = sequences.Select((_, i) => 100 + 10 * step + i).ToArray();
            session.Decode(next, logits);
            for (int r = 0; r < sequences.Count; r++)
            {
                sequences[r].Add(next[r]);
                AssertRowMatches(reference, sequences[r], logits, r, vocab);
            }
            if (step == 1)
            {
                // A third row joins mid-flight; then the first leaves and the last row takes its slot.
                var joining = TestModels.RandomTokens(5, 3).ToList();
                session.AddRow(joining, logits);
                AssertRowMatches(reference, joining, logits, 0, vocab);
                sequences.Add(joining);
            }
            if (step == 2)
            {
                session.RemoveRow(0);
                sequences[0] = sequences[^1];
                sequences.RemoveAt(sequences.Count - 1);
            }
        }
        Assert.Equal(2, session.ActiveRows);
        Assert.Equal(sequences[0].Count, session.LengthOf(0));
    }

    private static void AssertRowMatches(ReferenceGpt2 reference, List<int> tokens, float[] logits, int row, int vocab)
    {
        var expected = reference.Forward(tokens.ToArray()).AsSpan((tokens.Count - 1) * vocab, vocab);
        float diff = TestModels.MaxAbsDiff(expected, logits.AsSpan(row * vocab, vocab));
        Assert.True(diff <= Tolerance, $"row {row} at length {tokens.Count}: {diff}");
    }
}
