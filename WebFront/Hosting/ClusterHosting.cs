using Microsoft.AspNetCore.DataProtection;
using Orleans.Dashboard;
using StackExchange.Redis;
using TextGameGen.Silo.Hosting;

namespace TextGameGen.WebFront.Hosting;

/// <summary>
/// The front end's way to the grains: a silo in this process (with the models), or an Orleans client of the cluster
/// (<see cref="ClusterSettings"/>). In a Redis cluster the data-protection keys that sign the sign-in cookie are kept in
/// Redis too, so a cookie issued by one front end is valid on every other; on one machine they are kept in a folder
/// beside the game's database (<see cref="KeysFolder"/>), so a restart keeps players signed in wherever the server's
/// home folder is, or whether it has one.
/// </summary>
public static class ClusterHosting
{
    public const string DataProtectionApplication = "TextGameGen";

    public static WebApplicationBuilder AddGameCluster(this WebApplicationBuilder builder, HostingOptions hosting, ClusterSettings cluster)
    {
        ClusterPreflight.Check(cluster, storage: hosting.IsEmbedded);
        if (hosting.IsEmbedded)
        {
            builder.Services.AddTextGameGenInference();
            builder.UseOrleans(silo => silo.UseTextGameGenCluster(cluster).AddTextGameGenGame());
        }
        else
        {
            builder.UseOrleansClient(client => client.UseTextGameGenCluster(cluster).AddDashboard(o => o.HideTrace = true));
        }
        if (cluster.Provider == ClusterProvider.Redis)
        {
            var redis = ConnectionMultiplexer.Connect(ClusterHostingExtensions.RedisOptions(cluster.ConnectionString));
            builder.Services.AddDataProtection()
                .SetApplicationName(DataProtectionApplication)
                .PersistKeysToStackExchangeRedis(redis, $"{cluster.ServiceId}:data-protection-keys");
        }
        else
        {
            var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
            builder.Services.AddDataProtection()
                .SetApplicationName(DataProtectionApplication)
                .PersistKeysToFileSystem(new DirectoryInfo(KeysFolder(storage.Database)));
        }
        return builder;
    }

    /// <summary>Where one machine's sign-in keys are kept: <c>keys/</c> beside the SQLite file <paramref name="database"/>.</summary>
    public static string KeysFolder(string database) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(database)) ?? ".", "keys");
}
