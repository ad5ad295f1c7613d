using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TextGameGen.Contracts.Generation;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Packaging;
using TextGameGen.Inference.Registry;
using TextGameGen.Inference.Runtime;
using TextGameGen.Inference.Scheduling;
using TextGameGen.Silo.Generation;

namespace TextGameGen.Grains.Tests;

public sealed class LiveRolloutTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tgg-rollout-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Model(int seed)
    {
        string path = Path.Combine(_dir, $"model-{seed}");
        ModelDirectory.Save(path, Gpt2Weights.CreateRandom(Gpt2Config.Tiny, seed), OnnxExportOptions.Default, new ModelSource { Kind = "random", Seed = seed });
        return path;
    }

    private static readonly int[] s_gate = StoryTokenizer.Shared.Encode("<|action|>The gate opens");

    /// <summary>What the generation grain does: redeem a lease, stream from the generator it holds.</summary>
    private static async Task<(string Version, GenerationEvent Last)> Generate(GeneratorCatalog catalog, Grains.GeneratorLease lease)
    {
        var loaded = catalog.Redeem(lease);
        Assert.NotNull(loaded);
        GenerationEvent? last = null;
        await foreach (var e in loaded.Scheduler.GenerateAsync(s_gate, SamplerSettings.Greedy with { MaxNewTokens = 110, IgnoreEndOfText = true }))
            last = e;
        return (loaded.Version, last!);
    }

    [Fact]
    public async Task TheSlotAndOptimumKvLayoutsServeTheSamePassages()
    {
        string model = Model(3);
        var passages = new List<string[]>();
        foreach (var layout in new[] { KvLayout.Slots, KvLayout.Optimum })
        {
            var catalog = new GeneratorCatalog();
            await using var host = new GeneratorHost(catalog, Options.Create(new InferenceOptions { KvLayout = layout }), NullLogger<GeneratorHost>.Instance);
            var loaded = host.Load("fantasy", model, "v1");
            // Prompts of different lengths at once: rows of different lengths share the batch.
            var prompts = new[] { "<|action|>The gate opens", "<|dialogue|>Who goes there, at this hour of the night?", "<|quest|>Bring me" };
            passages.Add(await Task.WhenAll(prompts.Select(async prompt =>
            {
                var text = new System.Text.StringBuilder();
                await foreach (var e in loaded.Scheduler.GenerateAsync(StoryTokenizer.Shared.Encode(prompt), SamplerSettings.Greedy with { MaxNewTokens = 40, IgnoreEndOfText = true }))
                    text.Append(e.Text);
                return text.ToString();
            })));
        }
        Assert.Equal(passages[0], passages[1]);
        Assert.All(passages[0], p => Assert.NotEmpty(p));
    }

    [Fact]
    public async Task APromotionReachesTheServerWithoutDroppingGenerationsInFlight()
    {
        var registry = new ModelRegistry(Path.Combine(_dir, "models"));
        registry.Add("fantasy", Model(1), devPerplexity: 100);
        registry.Add("fantasy", Model(2), devPerplexity: 50);
        registry.Promote("fantasy", "v1");
        var catalog = new GeneratorCatalog();
        await using var host = new GeneratorHost(catalog, Options.Create(new InferenceOptions { RegistryRoot = registry.Root }), NullLogger<GeneratorHost>.Instance);
        host.SyncWithRegistry(registry);

        // Sixteen passages are under way on v1 (leased, and generating or queued) when v2 is promoted.
        var leases = Enumerable.Range(0, 16).Select(_ => catalog.Lease("fantasy")!).ToArray();
        var inFlight = leases[..8].Select(l => Generate(catalog, l)).ToArray();

        registry.Promote("fantasy", "v2");
        host.SyncWithRegistry(registry);
        var after = await Generate(catalog, catalog.Lease("fantasy")!);
        Assert.False(host.WhenDrained().IsCompleted, "v1 stays loaded while leases on it are open");
        var before = await Task.WhenAll(inFlight.Concat(leases[8..].Select(l => Generate(catalog, l))));
        await host.WhenDrained();

        Assert.All(before, r =>
        {
            Assert.Equal("v1", r.Version);
            Assert.Equal(GenerationOutcome.Completed, r.Last.Outcome);
            Assert.Equal(110, r.Last.TokenCount);
        });
        Assert.Equal("v2", after.Version);
        Assert.Equal(GenerationOutcome.Completed, after.Last.Outcome);
        var current = catalog.Find("fantasy");
        Assert.Equal("v2", current!.Version);

        // Sampler presets come from the same registry, on the same sync, with no new model.
        Assert.Null(catalog.Lease("fantasy")!.PresetVersion);
        var presets = new SamplerPresetRegistry(registry.Root);
        presets.Add("fantasy", new SamplerSettings { Temperature = 0.6f, TopK = 30, TopP = 0.9f, RepetitionPenalty = 1.2f, RepetitionPenaltyRange = 48 }, "tuned");
        host.SyncWithRegistry(registry);
        var withPreset = catalog.Lease("fantasy")!;
        Assert.Equal("p1", withPreset.PresetVersion);
        Assert.Equal(0.6f, withPreset.Preset!.Temperature);
        Assert.Same(current.Scheduler, catalog.Find("fantasy")!.Scheduler); // the model was not reloaded
    }

    [Fact]
    public async Task APromotedModelThatOnnxRuntimeRejectsIsRecordedAndTheServingVersionGoesOn()
    {
        var registry = new ModelRegistry(Path.Combine(_dir, "models"));
        registry.Add("fantasy", Model(1), devPerplexity: 100);
        registry.Promote("fantasy", "v1");
        var catalog = new GeneratorCatalog();
        await using var host = new GeneratorHost(catalog, Options.Create(new InferenceOptions { RegistryRoot = registry.Root }), NullLogger<GeneratorHost>.Instance);
        host.SyncWithRegistry(registry);

        registry.Add("fantasy", Model(2), devPerplexity: 50);
        File.WriteAllText(Path.Combine(registry.VersionPath("fantasy", "v2"), ModelDirectory.ModelFile), "not an onnx model");
        Assert.True(registry.Promote("fantasy", "v2").Promoted);
        host.SyncWithRegistry(registry);
        host.SyncWithRegistry(registry); // followed every few seconds: tried once, not again and again

        Assert.Equal("v1", catalog.Find("fantasy")!.Version);
        var (_, last) = await Generate(catalog, catalog.Lease("fantasy")!);
        Assert.Equal(GenerationOutcome.Completed, last.Outcome);
        var failure = Assert.Single(registry.LoadFailures("fantasy", "v2"));
        Assert.Contains("Protobuf", failure.Message);

        // A rollback to the serving version, then a good promotion, go through as usual.
        registry.Rollback("fantasy");
        registry.Add("fantasy", Model(3), devPerplexity: 40);
        Assert.True(registry.Promote("fantasy", "v3").Promoted);
        host.SyncWithRegistry(registry);
        Assert.Equal("v3", catalog.Find("fantasy")!.Version);
    }
}
