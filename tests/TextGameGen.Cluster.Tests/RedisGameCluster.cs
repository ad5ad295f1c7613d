using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.TestingHost;
using TextGameGen.Silo.Hosting;
using TextGameGen.WebFront.Hosting;

namespace TextGameGen.Cluster.Tests;

/// <summary>
/// Several silos in one test cluster (Orleans' TestCluster) with membership in a real Redis and the game's state in
/// Redis or PostgreSQL, membership probes shortened as Orleans' own fault tests do, so a killed silo is declared dead
/// within seconds. Every silo serves the tiny model unless <c>modelSilos</c> names which do (by TestCluster's names:
/// Secondary_0, Secondary_1, ...; with membership outside the test cluster there is no primary).
/// </summary>
public sealed class RedisGameCluster : IAsyncDisposable
{
    public const string ModelSilosKey = "Test:ModelSilos";

    private RedisGameCluster(TestCluster cluster) => Cluster = cluster;

    public TestCluster Cluster { get; }
    public string ClusterId => Cluster.Options.ClusterId;
    public string ServiceId => Cluster.Options.ServiceId;
    public IGrainFactory Grains => Cluster.Client;

    public static async Task<RedisGameCluster> StartAsync(RedisServer redis, StateStore storage, string? postgres = null, short silos = 3, string modelSilos = "*")
    {
        var builder = new TestClusterBuilder(silos);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket; // real sockets, so front end processes can connect
        builder.Options.BaseSiloPort = FreePort.Next();
        builder.Options.BaseGatewayPort = FreePort.Next();
        builder.Options.ClusterId = "c" + Guid.NewGuid().ToString("N")[..8];
        builder.Options.ServiceId = "s" + Guid.NewGuid().ToString("N")[..8];
        builder.ConfigureHostConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{ClusterSettings.Section}:Provider"] = "Redis",
            [$"{ClusterSettings.Section}:ConnectionString"] = redis.ConnectionString,
            [$"{ClusterSettings.Section}:Storage"] = storage.ToString(),
            [$"{ClusterSettings.Section}:StorageConnectionString"] = storage == StateStore.Postgres ? postgres : redis.ConnectionString,
            ["TextGameGen:Inference:Generators:default"] = TestModel.Directory,
            ["TextGameGen:Inference:Scheduler:MaxBatchSize"] = "8",
            ["TextGameGen:Game:WorldsRoot"] = TestModel.Worlds,
            ["TextGameGen:Game:DefaultWorld"] = "keep",
            ["TextGameGen:Game:PassageTokens"] = "12",
            ["TextGameGen:Game:StreamInterval"] = "00:00:00",
            [ModelSilosKey] = modelSilos,
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        builder.AddSiloBuilderConfigurator<Silos>();
        builder.AddClientBuilderConfigurator<Clients>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new RedisGameCluster(cluster);
    }

    private sealed class Silos : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var cluster = ValidatedOptions.Read<ClusterSettings>(silo.Configuration, ClusterSettings.Section);
            silo.UseRedisClustering(o => o.ConfigurationOptions = ClusterHostingExtensions.RedisOptions(cluster.ConnectionString));
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
            });
            silo.AddTextGameGenGame();
            var models = silo.Configuration[ModelSilosKey] ?? "*";
            var name = silo.Configuration["Orleans:Name"] ?? ""; // the test cluster names each silo there
            if (models == "*" || models.Split(',').Contains(name)) silo.Services.AddTextGameGenInference();
        }
    }

    private sealed class Clients : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder client)
        {
            var cluster = ValidatedOptions.Read<ClusterSettings>(configuration, ClusterSettings.Section);
            client.UseRedisClustering(o => o.ConfigurationOptions = ClusterHostingExtensions.RedisOptions(cluster.ConnectionString));
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Cluster.StopAllSilosAsync();
        }
        finally
        {
            await Cluster.DisposeAsync();
        }
    }
}
