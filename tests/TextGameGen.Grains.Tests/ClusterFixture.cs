using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using TextGameGen.Grains.Generation;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Runtime;
using TextGameGen.Inference.Scheduling;
using TextGameGen.Inference.Tokenization;

namespace TextGameGen.Grains.Tests;

/// <summary>One in-process test cluster (one silo) with a tiny seeded model behind the generation grain.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    internal static readonly Lazy<Gpt2Session> Session = new(() =>
        Gpt2Session.Open(Gpt2OnnxWriter.ToBytes(Gpt2Weights.CreateRandom(Gpt2Config.Tiny, seed: 3))));

    /// <summary>The scheduler the silo uses (tests read its counts).</summary>
    internal static readonly Lazy<GenerationScheduler> Scheduler = new(() =>
        new GenerationScheduler(Session.Value, StoryTokenizer.Shared, new SchedulerOptions { ContextLength = 128, MaxBatchSize = 32 }));

    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.StopAllSilosAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.Services.AddSingleton(_ =>
        {
            var catalog = new GeneratorCatalog();
            catalog.Set(GenerationRequest.DefaultGenerator, Scheduler.Value);
            return catalog;
        });
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
