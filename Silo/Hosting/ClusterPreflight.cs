using Npgsql;
using StackExchange.Redis;

namespace TextGameGen.Silo.Hosting;

/// <summary>
/// Reaches the servers a <see cref="ClusterSettings"/> names before the host starts: an unreachable Redis or
/// PostgreSQL stops the start with a message naming the setting, instead of a silo that retries forever or, worse,
/// falls back to something local.
/// </summary>
public static class ClusterPreflight
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Checks membership (and, for a silo, state storage) servers; throws naming the key of the first one that cannot be reached.</summary>
    public static void Check(ClusterSettings cluster, bool storage)
    {
        if (cluster.Provider == ClusterProvider.Redis) Redis(cluster.ConnectionString, $"{ClusterSettings.Section}:ConnectionString");
        if (!storage) return;
        if (cluster.Storage == StateStore.Redis)
            Redis(cluster.RedisStorageConnectionString, $"{ClusterSettings.Section}:{(cluster.StorageConnectionString.Length > 0 ? "StorageConnectionString" : "ConnectionString")}");
        if (cluster.Storage == StateStore.Postgres) Postgres(cluster.StorageConnectionString);
    }

    /// <summary>Checks a Redis connection string (the front end's data-protection keys use it too).</summary>
    public static void Redis(string connectionString, string key)
    {
        try
        {
            var options = ConfigurationOptions.Parse(connectionString);
            options.AbortOnConnectFail = true;
            options.ConnectTimeout = (int)Timeout.TotalMilliseconds;
            using var redis = ConnectionMultiplexer.Connect(options);
            redis.GetDatabase().Ping();
        }
        catch (Exception ex) when (ex is RedisException or ArgumentException or TimeoutException)
        {
            throw new InvalidOperationException($"{key}: cannot reach Redis at '{connectionString}': {ex.Message}", ex);
        }
    }

    private static void Postgres(string connectionString)
    {
        const string key = $"{ClusterSettings.Section}:StorageConnectionString";
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = (int)Timeout.TotalSeconds };
            using var connection = new NpgsqlConnection(builder.ConnectionString);
            connection.Open();
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidOperationException($"{key}: cannot reach PostgreSQL ({Redact(connectionString)}): {ex.Message}", ex);
        }
    }

    private static string Redact(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (builder.Password is not null) builder.Password = "***";
            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "an unreadable connection string";
        }
    }
}
