using TextGameGen.Contracts.Generation;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Reference;
using TextGameGen.Inference.Runtime;
using TextGameGen.Inference.Scheduling;

using static TextGameGen.Inference.Tests.SlotTestHelpers;

namespace TextGameGen.Inference.Tests;

/// <summary>Prompts that open as earlier ones did copy those positions' keys and values: the logits and passages stay those of a whole prefill.</summary>
public sealed class PrefixKvCacheTests
{
    private static List<int> Opening(int[] shared, int rest, int seed) => [.. shared, .. TestModels.RandomTokens(rest, seed)];

    [Theory]
    [InlineData(false)] // each prompt with a kept opening is its own pass
    [InlineData(true)]  // they share one pass of the prefix model
    public void PromptsSharingAnOpeningWithAKeptOneGetTheLogitsOfAWholePrefillInTheirOwnOrderAndDecodeOnFromThere(bool batchedPrefixes)
    {
        var weights = Gpt2Weights.CreateRandom(TestModels.Narrow, seed: 71);
        int vocab = weights.Config.VocabularySize;
        var reference = new ReferenceGpt2(weights);
        using var decoder = Open(weights, rows: 6, maxLength: 48, batchedPrefixes);
        Assert.Equal(batchedPrefixes, decoder.Session.BatchesKeptPrefixes);
        decoder.Prefixes = new PrefixKvCache(maxBytes: 1 << 24, minTokens: 4);
        var logits = new float[6 * vocab];
        var memory = TestModels.RandomTokens(12, 1); // what every context opens with (the world's memory)

        // The first prompt is prefilled whole and kept.
        var first = Opening(memory, 5, 2);
        using (var firstCache = decoder.Prefill([first], logits)) AssertRow(reference, first, logits, 0, vocab);
        Assert.Equal(1, decoder.Prefixes.Count);
        Assert.Equal(0, decoder.Prefixes.Hits);

        // A batch mixing prompts that share the memory (rests of different lengths), one that shares nothing, one that
        // shares only part of it, and the first prompt again: each row copies what it shares and computes the rest.
        var batch = new List<List<int>>
        {
            TestModels.RandomTokens(9, 3).ToList(),  // nothing shared: prefilled whole
            Opening(memory, 8, 4),                   // copies 12, computes 8
            Opening(memory, 2, 5),                   // copies 12, computes 2
            first.ToList(),                          // copies all but its last position
            Opening(memory[..6], 1, 6),              // copies 6, computes 1
        };
        var running = decoder.Prefill(batch.Cast<IReadOnlyList<int>>().ToList(), logits);
        for (int r = 0; r < batch.Count; r++) AssertRow(reference, batch[r], logits, r, vocab);
        Assert.Equal(4, decoder.Prefixes.Hits);
        Assert.Equal(12 + 12 + 16 + 6, decoder.Prefixes.ReusedTokens);

        // The rows decode on in the prompts' order from what was copied and computed.
        for (int step = 0; step < 3; step++)
        {
            var next = batch.Select((_, i) => 300 + 10 * step + i).ToArray();
            decoder.Decode(running, next, logits);
            for (int r = 0; r < batch.Count; r++)
            {
                batch[r].Add(next[r]);
                AssertRow(reference, batch[r], logits, r, vocab);
            }
        }

        // Rows leave and a long prompt that opens with the memory is filled in chunks, its first chunk copied.
        decoder.KeepRows(running, [1, 3]);
        var longPrompt = Opening(memory, 20, 7);
        var partial = decoder.EmptyCache();
        long hitsBefore = decoder.Prefixes.Hits;
        decoder.Extend(partial, longPrompt[..16], logits);
        decoder.Extend(partial, longPrompt[16..], logits);
        AssertRow(reference, longPrompt, logits, 0, vocab);
        Assert.Equal(hitsBefore + 1, decoder.Prefixes.Hits);
        running.Dispose();
        partial.Dispose();
    }

    [Fact]
    public void TheCacheKeepsWithinItsBytesDroppingTheLeastRecentlyUsedPromptAndSkipsPromptsItAlreadyHolds()
    {
        var cache = new PrefixKvCache(maxBytes: 3 * 100 * sizeof(float), minTokens: 2);
        int[] a = [1, 2, 3, 4], b = [5, 6, 7, 8], c = [9, 10, 11, 12];
        cache.Add(a, 100, data => data.Fill(1f));
        cache.Add(b, 100, data => data.Fill(2f));
        cache.Add(c, 100, data => data.Fill(3f));
        Assert.Equal(3, cache.Count);

        // a was used last, so b is the one dropped when a fourth prompt comes.
        cache.Touch(cache.Find([1, 2, 3, 9], 4)!.Entry);
        cache.Add([13, 14, 15, 16], 100, data => data.Fill(4f));
        Assert.Equal(3, cache.Count);
        Assert.True(cache.Bytes <= cache.MaxBytes);
        Assert.Null(cache.Find([5, 6, 7, 8], 4));
        Assert.Equal(3, cache.Find([1, 2, 3, 0], 4)!.Length);
        Assert.Equal(2, cache.Find([1, 2, 3, 4], 2)!.Length); // capped

        Assert.Null(cache.Find([1, 7], 2)); // one shared token is under the minimum
        Assert.False(cache.Adds([1, 2, 3, 4])); // held whole
        Assert.False(cache.Adds([1, 2, 3, 4, 5])); // held but one position
        Assert.True(cache.Adds([1, 2, 30, 40, 50]));
        cache.Add(new int[1000], 1000, _ => { }); // larger than the bound: not kept, nothing dropped
        Assert.Equal(3, cache.Count);
        cache.Clear();
        Assert.Equal(0, cache.Bytes);
    }

    [Fact]
    public void KeptKeysAndValuesLiveOutsideTheManagedHeapAndAreReadBackWhole()
    {
        const int Floats = 100_000; // a large object, had it been an array: as a real prompt's keys and values are
        var cache = new PrefixKvCache(maxBytes: 4L * Floats * sizeof(float), minTokens: 2);
        cache.Add([0, 0, 0], Floats, data => data.Fill(-1f)); // first use of every path
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1; i <= 200; i++)
        {
            int n = i;
            cache.Add([n, n + 1, n + 2], Floats - n, data => data.Fill(n));
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 200L * Floats * sizeof(float) / 50, $"{allocated:N0} bytes allocated on the managed heap for 200 entries");

        Assert.Equal(4, cache.Count);
        Assert.True(cache.Bytes <= cache.MaxBytes);
        var last = cache.Find([200, 201, 202], 3)!.Entry;
        Assert.Equal(Floats - 200, last.Data.Length);
        Assert.All(last.Data.ToArray(), f => Assert.Equal(200f, f));
        Assert.Null(cache.Find([196, 197, 198], 3)); // dropped, its memory freed
        cache.Clear();
        Assert.Equal(0, cache.Bytes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheDecodeLoopWritesTheSamePassagesWithTheCacheAsWithoutIt(bool batchedPrefixes)
    {
        var memory = TestModels.RandomTokens(20, 9);
        var prompts = Enumerable.Range(0, 8).Select(i => Opening(memory, 3 + 4 * (i % 4), 200 + i).ToArray()).ToArray();
        SamplerSettings SettingsFor(int i) => i % 2 == 0
            ? SamplerSettings.Greedy with { MaxNewTokens = 5 + 3 * i }
            : new SamplerSettings { Seed = 60 + i, MaxNewTokens = 5 + 3 * i, StopStrings = [] };
        var options = new SchedulerOptions { Mode = BatchingMode.Continuous, ContextLength = 64, MaxBatchSize = 4, MaxPrefillTokensPerStep = 64 };

        async Task<string[]> Run(PrefixKvCache? prefixes)
        {
            using var decoder = Open(TestModels.TinyWeights, rows: options.MaxBatchSize + 1, maxLength: options.ContextLength + 1, batchedPrefixes && prefixes is not null);
            decoder.Prefixes = prefixes;
            await using var scheduler = new GenerationScheduler(decoder, StoryTokenizer.Shared, options);
            var tasks = new List<Task<string>>();
            for (int i = 0; i < prompts.Length; i++)
            {
                tasks.Add(Text(scheduler, prompts[i], SettingsFor(i)));
                await Task.Delay(5);
            }
            return await Task.WhenAll(tasks);
        }

        var without = await Run(null);
        var prefixes = new PrefixKvCache(maxBytes: 1 << 24, minTokens: 8);
        var with = await Run(prefixes);
        Assert.Equal(without, with);
        Assert.True(prefixes.Hits >= prompts.Length - 4, $"{prefixes.Hits} of {prefixes.Lookups} prompts copied an opening");
    }
}
