using TextGameGen.Contracts.Generation;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Packaging;
using TextGameGen.Inference.Reference;
using TextGameGen.Inference.Runtime;
using TextGameGen.Inference.Scheduling;

using static TextGameGen.Inference.Tests.SlotTestHelpers;

namespace TextGameGen.Inference.Tests;

/// <summary>The slot layout behind the decode loop: the same rows and logits as the reference, and the same passages as the Optimum layout.</summary>
public sealed class SlotBatchDecoderTests
{
    [Fact]
    public void ALongPromptFilledInChunksBeforeABatchJoinsItAfterThatBatchAndEveryRowKeepsItsLogits()
    {
        var weights = Gpt2Weights.CreateRandom(TestModels.Narrow, seed: 62);
        int vocab = weights.Config.VocabularySize;
        var reference = new ReferenceGpt2(weights);
        using var decoder = Open(weights, rows: 4, maxLength: 48);
        var logits = new float[4 * vocab];

        // A long prompt starts filling slot 0 in chunks; then two short prompts are prefilled behind it and decode.
        var longPrompt = TestModels.RandomTokens(20, 1).ToList();
        var partial = decoder.EmptyCache();
        decoder.Extend(partial, longPrompt[..12], logits);
        var shorts = new List<List<int>> { TestModels.RandomTokens(3, 2).ToList(), TestModels.RandomTokens(7, 3).ToList() };
        var running = decoder.Prefill(shorts.Cast<IReadOnlyList<int>>().ToList(), logits); // one pass, right-padded
        for (int r = 0; r < shorts.Count; r++) AssertRow(reference, shorts[r], logits, r, vocab);
        Step(decoder, reference, running, shorts, logits, vocab, 200);

        // The long prompt's last chunk, then it joins the running rows: they stay first, it comes last.
        decoder.Extend(partial, longPrompt[12..], logits);
        AssertRow(reference, longPrompt, logits, 0, vocab);
        decoder.AppendRows(running, partial);
        var all = shorts.Append(longPrompt).ToList();
        Assert.Equal(3, running.Rows);
        Step(decoder, reference, running, all, logits, vocab, 300);

        // The middle row leaves; the others keep their order and caches.
        decoder.KeepRows(running, [0, 2]);
        all.RemoveAt(1);
        Step(decoder, reference, running, all, logits, vocab, 400);
        Assert.Equal(0, running.PaddingRatio);
        Assert.Equal(all.Max(s => s.Count), running.Length);
    }

    [Fact]
    public void RowsKeptInAnyOrderFillEachGapWithALaterRowAndEveryRowKeepsItsLogits()
    {
        var weights = Gpt2Weights.CreateRandom(TestModels.Narrow, seed: 63);
        int vocab = weights.Config.VocabularySize;
        var reference = new ReferenceGpt2(weights);
        using var decoder = Open(weights, rows: 6, maxLength: 48);
        var logits = new float[6 * vocab];
        var prompts = Enumerable.Range(0, 5).Select(i => TestModels.RandomTokens(2 + i, 10 + i).ToList()).ToList();
        var running = decoder.Prefill(prompts.Cast<IReadOnlyList<int>>().ToList(), logits);
        // A long prompt being prefilled in chunks holds the slot after the running rows.
        var longPrompt = TestModels.RandomTokens(12, 20).ToList();
        var partial = decoder.EmptyCache();
        decoder.Extend(partial, longPrompt[..6], logits);
        Step(decoder, reference, running, prompts, logits, vocab, 200);

        // Rows 1 and 2 leave: the last kept row fills the first gap, the one before it the second.
        var order = decoder.KeepRowsInAnyOrder(running, [0, 3, 4]);
        Assert.Equal([0, 4, 3], order);
        var kept = order.Select(i => prompts[i]).ToList();
        Assert.Equal(3, running.Rows);
        Step(decoder, reference, running, kept, logits, vocab, 300);

        // The block behind moved down with its keys and values: it finishes its prompt and joins.
        decoder.Extend(partial, longPrompt[6..], logits);
        AssertRow(reference, longPrompt, logits, 0, vocab);
        decoder.AppendRows(running, partial);
        kept.Add(longPrompt);
        Step(decoder, reference, running, kept, logits, vocab, 400);
        Assert.Throws<ArgumentException>(() => decoder.KeepRowsInAnyOrder(running, [2, 1]));
    }

    [Fact]
    public void MoreRowsThanSlotsAreRefusedAndTheRowsAlreadyThereAreKept()
    {
        using var decoder = Open(TestModels.TinyWeights, rows: 2, maxLength: 16);
        var logits = new float[3 * decoder.VocabularySize];
        using var running = decoder.Prefill([[1, 2], [3]], logits);

        Assert.False(decoder.CanHold(3, 4));
        Assert.False(decoder.CanHold(1, 17));
        Assert.Throws<InvalidOperationException>(() => decoder.Prefill([[4]], logits));
        decoder.Decode(running, [5, 6], logits);
        Assert.Equal(2, running.Rows);
    }

    [Fact]
    public void AModelDirectoryOfOursOpensAsSlotsAndAForeignGraphDoesNot()
    {
        string dir = Directory.CreateTempSubdirectory("tgg-slots-").FullName;
        try
        {
            var saved = ModelDirectory.Save(Path.Combine(dir, "m"), TestModels.TinyWeights, OnnxExportOptions.Default, new ModelSource { Kind = "random" });
            using (var decoder = SlotBatchDecoder.TryOpen(saved.ModelPath, saved.Config, rows: 2, maxLength: 16))
                Assert.NotNull(decoder);

            var foreign = Gpt2OnnxWriter.Build(TestModels.TinyWeights);
            foreach (var t in foreign.Graph.Initializer) t.Name = "renamed." + t.Name;
            string foreignPath = Path.Combine(dir, "foreign.onnx");
            File.WriteAllBytes(foreignPath, Google.Protobuf.MessageExtensions.ToByteArray(foreign));
            Assert.Null(SlotBatchDecoder.TryOpen(foreignPath, saved.Config, rows: 2, maxLength: 16));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task TheDecodeLoopOnSlotsWritesThePassagesTheOptimumLayoutWrites()
    {
        var prompts = Enumerable.Range(0, 6).Select(i => TestModels.RandomTokens(3 + 5 * i, seed: 100 + i)).ToArray();
        SamplerSettings SettingsFor(int i) => i % 2 == 0
            ? SamplerSettings.Greedy with { MaxNewTokens = 6 + 7 * i }
            : new SamplerSettings { Seed = 40 + i, MaxNewTokens = 6 + 7 * i, StopStrings = [] };
        var options = new SchedulerOptions { Mode = BatchingMode.Continuous, ContextLength = 128, MaxBatchSize = 4, MaxPrefillTokensPerStep = 16 };

        var expected = new List<string>();
        await using (var serial = new GenerationScheduler(TestModels.TinySession, StoryTokenizer.Shared, options with { Mode = BatchingMode.Serial }))
            for (int i = 0; i < prompts.Length; i++) expected.Add(await Text(serial, prompts[i], SettingsFor(i)));

        // Requests arrive while others decode; prompts over 16 tokens are prefilled in chunks beside the running rows;
        // with at most 4 rows the rest wait for a slot.
        using var decoder = Open(TestModels.TinyWeights, rows: options.MaxBatchSize + 1, maxLength: options.ContextLength + 1);
        await using var slots = new GenerationScheduler(decoder, StoryTokenizer.Shared, options);
        var tasks = new List<Task<string>>();
        for (int i = 0; i < prompts.Length; i++)
        {
            tasks.Add(Text(slots, prompts[i], SettingsFor(i)));
            await Task.Delay(10);
        }

        Assert.Equal(expected, await Task.WhenAll(tasks));
    }

    private static void Step(SlotBatchDecoder decoder, ReferenceGpt2 reference, IBatchKv cache, List<List<int>> rows, float[] logits, int vocab, int firstToken)
    {
        var next = rows.Select((_, i) => firstToken + i).ToArray();
        decoder.Decode(cache, next, logits);
        for (int r = 0; r < rows.Count; r++)
        {
            rows[r].Add(next[r]);
            AssertRow(reference, rows[r], logits, r, vocab);
        }
    }
}
