using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Orleans.Runtime.Hosting;
using StackExchange.Redis;
using TextGameGen.Grains.Game;
using TextGameGen.Grains.Game.World;
using TextGameGen.Silo.Generation;
using TextGameGen.Storage;

namespace TextGameGen.Silo.Hosting;

/// <summary>
/// The game's grains' needs on a silo: their options, the grain storage, the turn log and the feedback store in the configured store,
/// and the routing of passages to the silos that serve their generators.
/// </summary>
public static class GameSiloExtensions
{
    public static ISiloBuilder AddTextGameGenGame(this ISiloBuilder silo)
    {
        silo.Services.AddTextGameGenOptions();
        // A storage error inside a grain call (PostgreSQL's or Redis' client exception) reaches the caller as itself,
        // with its message, rather than as "Could not find a codec for type Npgsql.NpgsqlException".
        silo.Services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(o =>
        {
            o.SupportedNamespacePrefixes.Add("Npgsql");
            o.SupportedNamespacePrefixes.Add("StackExchange.Redis");
        });
        // The Orleans dashboard's grains (served to GMs by the front ends at /dashboard); its call tracing stays off.
        silo.AddDashboard(o => o.HideTrace = true);
        var cluster = ValidatedOptions.Read<ClusterSettings>(silo.Configuration, ClusterSettings.Section);
        switch (cluster.Storage)
        {
            case StateStore.Sqlite:
                silo.Services.AddSingleton<GameDatabase>(sp =>
                {
                    var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
                    return new SqliteGameDatabase(storage.Database, synchronous: storage.Synchronous);
                });
                AddSqlStores(silo.Services);
                break;
            case StateStore.Postgres:
                silo.Services.AddSingleton<GameDatabase>(_ => new PostgresGameDatabase(cluster.StorageConnectionString));
                AddSqlStores(silo.Services);
                break;
            case StateStore.Redis:
                silo.AddRedisGrainStorage(GameStorage.Name, o =>
                {
                    o.ConfigurationOptions = ClusterHostingExtensions.RedisOptions(cluster.RedisStorageConnectionString);
                    o.GrainStorageSerializer = new JsonGrainStateSerializer();
                });
                silo.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(ClusterHostingExtensions.RedisOptions(cluster.RedisStorageConnectionString)));
                silo.Services.AddSingleton<IFeedbackStore>(sp => new RedisFeedbackStore(sp.GetRequiredService<IConnectionMultiplexer>(), cluster.ServiceId));
                silo.Services.AddSingleton<ITurnLog>(sp => new RedisTurnLog(sp.GetRequiredService<IConnectionMultiplexer>(), cluster.ServiceId));
                break;
        }
        silo.Services.AddSingleton(sp => new WorldFiles(sp.GetRequiredService<IOptions<GameOptions>>().Value.WorldsRoot));
        return silo.AddTextGameGenGenerationRouting();
    }

    /// <summary>
    /// Generation routing, on every silo: a game-only silo (no AddTextGameGenInference) has an empty catalog and sends
    /// every passage to a silo that serves its generator.
    /// </summary>
    public static ISiloBuilder AddTextGameGenGenerationRouting(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton<GeneratorCatalog>();
        silo.Services.TryAddSingleton<GeneratorRouter>();
        silo.Services.AddPlacementDirector<OnNamedSiloPlacement, OnNamedSiloPlacementDirector>();
        return silo;
    }

    private static void AddSqlStores(IServiceCollection services)
    {
        services.AddGrainStorage(GameStorage.Name, (sp, _) => new SqlGrainStorage(sp.GetRequiredService<GameDatabase>()));
        services.AddSingleton<IFeedbackStore, SqlFeedbackStore>();
        services.AddSingleton<ITurnLog, SqlTurnLog>();
    }
}
