using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Reference;
using TextGameGen.Inference.Runtime;

namespace TextGameGen.Inference.Tests;

public sealed class SlotKvSessionTests
{
    private const float Tolerance = 1e-4f;

    [Fact]
    public void SeveralRowsAfterKeptPrefixesNeedThePrefixModelAndACopiedPositionEachAndLeaveNoRowWhenRefused()
    {
        var weights = Gpt2Weights.CreateRandom(TestModels.Narrow, seed: 62);
        int vocab = weights.Config.VocabularySize;
        using var session = SlotKvSession.Open(Gpt2OnnxWriter.ToBytes(weights, new OnnxExportOptions { SlotCache = true }), capacity: 4, maxLength: 32);
        var logits = new float[4 * vocab];
        var kept = TestModels.RandomTokens(8, 1).ToList();
        session.AddRow(kept, logits);
        var prefix = new float[session.PrefixFloats(8)];
        session.ReadPrefix(0, 8, prefix);
        List<int> prompt = [.. kept, 5, 6];
        PrefixedPrompt[] two = [new(prompt, prefix, 8, 8), new(prompt, prefix, 8, 6)];

        Assert.False(session.BatchesKeptPrefixes);
        Assert.Throws<InvalidOperationException>(() => session.AddRowsAfterPrefixes(two, logits));
        Assert.Throws<InvalidDataException>(() => session.AttachPrefixModel(Gpt2OnnxWriter.ToBytes(weights))); // no last_index input
        Assert.Throws<ArgumentException>(() => Gpt2OnnxWriter.ToBytes(weights, new OnnxExportOptions { RowLastIndex = true, SlotCache = true }));

        session.AttachPrefixModel(Gpt2OnnxWriter.ToBytes(weights, new OnnxExportOptions { RowLastIndex = true }));
        Assert.True(session.BatchesKeptPrefixes);
        Assert.Throws<ArgumentException>(() => session.AddRowsAfterPrefixes([two[0], new(prompt, prefix, 8, 0)], logits)); // nothing copied
        Assert.Throws<ArgumentException>(() => session.AddRowsAfterPrefixes([two[0], new(prompt, prefix, 8, 10)], logits)); // nothing computed
        Assert.Equal(1, session.ActiveRows);

        Assert.Equal(1, session.AddRowsAfterPrefixes(two, logits, 1));
        Assert.Equal(3, session.ActiveRows);
        Assert.Equal(10, session.LengthOf(1));
        Assert.Equal(10, session.LengthOf(2));
        // Both rows end at the same tokens, whatever each copied: the same logits.
        Assert.True(TestModels.MaxAbsDiff(logits.AsSpan(vocab, vocab), logits.AsSpan(2 * vocab, vocab)) <= Tolerance);
    }

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
