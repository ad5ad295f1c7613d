using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;
using TextGameGen.Grains.Game;
using TextGameGen.Silo.Hosting;
using TextGameGen.Storage;
using TextGameGen.WebFront.Hosting;

namespace TextGameGen.Cluster.Tests;

/// <summary>The grain state stores a cluster can use, on real servers: what was written is read back; a stale write never overwrites newer state.</summary>
public sealed class StateStoreTests(StoreServers servers) : IClassFixture<StoreServers>, IAsyncLifetime
{
    public sealed class Box
    {
        public string Text { get; set; } = "";
        public List<string> Items { get; set; } = [];
    }

    private sealed class Held<T>(T state) : IGrainState<T>
    {
        [System.Diagnostics.CodeAnalysis.AllowNull] public T State { get; set; } = state;
        public string? ETag { get; set; }
        public bool RecordExists { get; set; }
    }

    public static TheoryData<string> Stores => ["postgres", "redis", "sqlite"];

    private async Task<IGrainStorage> StoreAsync(string kind)
    {
        switch (kind)
        {
            case "postgres":
                return new SqlGrainStorage(new PostgresGameDatabase(servers.Postgres.ConnectionString));
            case "sqlite":
                return new SqlGrainStorage(new SqliteGameDatabase(Path.Combine(Path.GetTempPath(), $"tgg-store-{Guid.NewGuid():N}.db")));
            default:
                // Orleans' Redis grain storage as the game's silo configures it (it connects in the silo's lifecycle).
                var host = Host.CreateApplicationBuilder();
                host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["TextGameGen:Cluster:Storage"] = "Redis",
                    ["TextGameGen:Cluster:StorageConnectionString"] = servers.Redis.ConnectionString,
                    ["TextGameGen:Cluster:ServiceId"] = "t" + Guid.NewGuid().ToString("N"),
                });
                host.UseOrleans(silo => silo.UseLocalhostClustering(FreePort.Next(), FreePort.Next()).AddTextGameGenGame());
                var app = host.Build();
                await app.StartAsync();
                _hosts.Add(app);
                return app.Services.GetRequiredKeyedService<IGrainStorage>(GameStorage.Name);
        }
    }

    private readonly List<IHost> _hosts = [];

    public async Task DisposeAsync()
    {
        foreach (var h in _hosts)
        {
            await h.StopAsync();
            h.Dispose();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task What_was_written_is_read_back_and_a_stale_write_is_refused(string kind)
    {
        var store = await StoreAsync(kind);
        var id = GrainId.Create("player", Guid.NewGuid().ToString("N"));
        var first = new Held<Box>(new Box());
        await store.ReadStateAsync("state", id, first);
        Assert.False(first.RecordExists);

        first.State = new Box { Text = "one", Items = ["torch"] };
        await store.WriteStateAsync("state", id, first);
        var second = new Held<Box>(new Box());
        await store.ReadStateAsync("state", id, second);
        Assert.Equal(("one", "torch"), (second.State.Text, second.State.Items.Single()));

        // Both hold the same ETag; the second writes first, so the first's write is stale.
        second.State.Text = "two";
        await store.WriteStateAsync("state", id, second);
        first.State.Text = "stale";
        await Assert.ThrowsAsync<InconsistentStateException>(() => store.WriteStateAsync("state", id, first));

        var now = new Held<Box>(new Box());
        await store.ReadStateAsync("state", id, now);
        Assert.Equal("two", now.State.Text);
    }
}
