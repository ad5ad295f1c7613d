using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TextGameGen.Grains.Generation;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Registry;
using TextGameGen.Inference.Sampling;
using TextGameGen.Inference.Scheduling;
using TextGameGen.Silo;

namespace TextGameGen.Grains.Tests;

public sealed class LiveRolloutTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tgg-rollout-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Model(int seed)
    {
        string path = Path.Combine(_dir, $"model-{seed}");
        ModelDirectory.Save(path, Gpt2Weights.CreateRandom(Gpt2Config.Tiny, seed), OnnxExportOptions.Default, new JsonObject { ["kind"] = "random", ["seed"] = seed });
        return path;
    }

    /// <summary>What the generation grain does: take the loaded generator once, stream from it.</summary>
    private static async Task<(string Version, GenerationEvent Last)> Generate(GeneratorCatalog catalog, TaskCompletionSource? started = null)
    {
        Assert.True(catalog.TryGetLoaded("fantasy", out var loaded));
        GenerationEvent? last = null;
        await foreach (var e in loaded!.Scheduler.GenerateAsync("<|action|>The gate opens", SamplerSettings.Greedy with { MaxNewTokens = 110, IgnoreEndOfText = true }))
        {
            started?.TrySetResult();
            last = e;
        }
        return (loaded.Version, last!);
    }

    [Fact]
    public async Task TheSlotAndOptimumKvLayoutsServeTheSamePassages()
    {
        string model = Model(3);
        var passages = new List<string[]>();
        foreach (var layout in new[] { "slots", "optimum" })
        {
            var catalog = new GeneratorCatalog();
            await using var host = new GeneratorHost(catalog, Options.Create(new InferenceOptions { KvLayout = layout }), NullLogger<GeneratorHost>.Instance);
            host.Load("fantasy", model, "v1");
            Assert.True(catalog.TryGetLoaded("fantasy", out var loaded));
            // Prompts of different lengths at once: rows of different lengths share the batch.
            var prompts = new[] { "<|action|>The gate opens", "<|dialogue|>Who goes there, at this hour of the night?", "<|quest|>Bring me" };
            passages.Add(await Task.WhenAll(prompts.Select(async prompt =>
            {
                var text = new System.Text.StringBuilder();
                await foreach (var e in loaded!.Scheduler.GenerateAsync(prompt, SamplerSettings.Greedy with { MaxNewTokens = 40, IgnoreEndOfText = true }))
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

        var started = Enumerable.Range(0, 16).Select(_ => new TaskCompletionSource()).ToArray();
        var inFlight = started.Select(s => Generate(catalog, s)).ToArray();
        await Task.WhenAll(started.Select(s => s.Task));

        registry.Promote("fantasy", "v2");
        host.SyncWithRegistry(registry);
        bool swappedWhileGenerating = inFlight.Any(t => !t.IsCompleted);
        var after = await Generate(catalog);
        var before = await Task.WhenAll(inFlight);
        await host.WhenDrained();

        Assert.All(before, r =>
        {
            Assert.Equal("v1", r.Version);
            Assert.Equal(GenerationOutcome.Completed, r.Last.Outcome);
            Assert.Equal(110, r.Last.TokenCount);
        });
        Assert.True(swappedWhileGenerating, "the new version must arrive while the old one is still generating");
        Assert.Equal("v2", after.Version);
        Assert.Equal(GenerationOutcome.Completed, after.Last.Outcome);
        Assert.True(catalog.TryGetLoaded("fantasy", out var current));
        Assert.Equal("v2", current!.Version);

        // Sampler presets come from the same registry, on the same sync, with no new model.
        Assert.Null(catalog.PresetOf("fantasy"));
        var presets = new TextGameGen.Inference.Registry.SamplerPresetRegistry(registry.Root);
        presets.Add("fantasy", new TextGameGen.Inference.Registry.SamplerPreset(0.6f, 30, 0.9f, 1.2f, 48), "tuned");
        host.SyncWithRegistry(registry);
        Assert.Equal("p1", catalog.PresetOf("fantasy")!.Value.Version);
        Assert.Equal(0.6f, catalog.PresetOf("fantasy")!.Value.Sampler.Temperature);
        Assert.True(catalog.TryGetLoaded("fantasy", out var still));
        Assert.Same(current.Scheduler, still!.Scheduler); // the model was not reloaded
    }
}
