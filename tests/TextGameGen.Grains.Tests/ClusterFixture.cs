using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Runtime;
using TextGameGen.Inference.Scheduling;
using TextGameGen.Silo.Generation;
using TextGameGen.Silo.Hosting;

namespace TextGameGen.Grains.Tests;

/// <summary>
/// The tiny seeded model, and one scheduler over it per test cluster: a cluster's silo finds its own scheduler by the
/// id in its configuration, so counts asserted by one test class are never moved by another running beside it.
/// </summary>
public static class TestGenerators
{
    public const string IdKey = "Test:SchedulerId";

    internal static readonly Lazy<Gpt2Session> Session = new(() =>
        Gpt2Session.Open(Gpt2OnnxWriter.ToBytes(Gpt2Weights.CreateRandom(Gpt2Config.Tiny, seed: 3))));

    private static readonly ConcurrentDictionary<string, GenerationScheduler> s_schedulers = new();

    /// <summary>A new scheduler over the tiny model, and the id a silo's configuration names it by.</summary>
    public static (string Id, GenerationScheduler Scheduler) Create()
    {
        var scheduler = new GenerationScheduler(Session.Value, StoryTokenizer.Shared, new SchedulerOptions { ContextLength = 128, MaxBatchSize = 32 });
        var id = Guid.NewGuid().ToString("N");
        s_schedulers[id] = scheduler;
        return (id, scheduler);
    }

    public static async Task ReleaseAsync(string id)
    {
        if (s_schedulers.TryRemove(id, out var scheduler)) await scheduler.DisposeAsync();
    }

    /// <summary>
    /// Serves the configured scheduler as the "default" generator, version test-v1, and as "alpha", version alpha-v1
    /// (a second generator for worlds written by another model).
    /// </summary>
    public sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var scheduler = s_schedulers[siloBuilder.Configuration[IdKey]!];
            siloBuilder.Services.AddSingleton(_ =>
            {
                var catalog = new GeneratorCatalog();
                catalog.Set(GeneratorLease.DefaultGenerator, scheduler, "test-v1");
                catalog.Set("alpha", scheduler, "alpha-v1");
                return catalog;
            });
            siloBuilder.AddTextGameGenGenerationRouting();
        }
    }
}

/// <summary>One in-process test cluster (one silo) with a tiny seeded model behind the generation grain.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private string _schedulerId = "";

    public TestCluster Cluster { get; private set; } = null!;

    /// <summary>The scheduler this cluster's silo uses (tests read its counts).</summary>
    public GenerationScheduler Scheduler { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        (_schedulerId, var scheduler) = TestGenerators.Create();
        Scheduler = scheduler;
        var builder = new TestClusterBuilder(1);
        builder.ConfigureHostConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?> { [TestGenerators.IdKey] = _schedulerId }));
        builder.AddSiloBuilderConfigurator<TestGenerators.SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await TestGenerators.ReleaseAsync(_schedulerId);
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
