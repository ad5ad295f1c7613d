using System.ComponentModel.DataAnnotations;

namespace TextGameGen.Silo.Hosting;

/// <summary>How the silos find each other.</summary>
public enum ClusterProvider
{
    /// <summary>One machine, no servers: the embedded game's default.</summary>
    Localhost,

    /// <summary>Membership in Redis (Orleans' Redis clustering): silos and front ends on any number of machines.</summary>
    Redis,
}

/// <summary>Where grain state (stories, rooms, worlds) and players' ratings are kept.</summary>
public enum StateStore
{
    /// <summary>A SQLite file (<c>TextGameGen:Storage:Database</c>): one machine.</summary>
    Sqlite,

    /// <summary>Redis (Orleans' Redis grain storage; ratings in a Redis list).</summary>
    Redis,

    /// <summary>PostgreSQL (our SQL grain storage, the same code as SQLite's; ratings in a table).</summary>
    Postgres,
}

/// <summary>
/// Configuration section <c>TextGameGen:Cluster</c>: membership, this process's ports and address, and where state is
/// kept. The default is the embedded game on one machine (localhost clustering, a SQLite file). Validated at start;
/// servers named here are reached before the start goes on, so a wrong or unreachable one stops it naming the key.
/// </summary>
public sealed class ClusterSettings : IValidatableObject
{
    public const string Section = "TextGameGen:Cluster";

    public ClusterProvider Provider { get; set; } = ClusterProvider.Localhost;

    /// <summary>Redis connection string (StackExchange.Redis form, e.g. <c>localhost:6379</c>) of the membership table.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Names one deployment: silos and front ends with the same ids form one cluster.</summary>
    [Required, RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", ErrorMessage = "ClusterId is 1-64 letters, digits, '.', '_' or '-'.")]
    public string ClusterId { get; set; } = "textgamegen";

    /// <summary>Names the service across deployments (grain state is keyed by it).</summary>
    [Required, RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", ErrorMessage = "ServiceId is 1-64 letters, digits, '.', '_' or '-'.")]
    public string ServiceId { get; set; } = "textgamegen";

    /// <summary>This silo's silo-to-silo port (several silos on one machine need different ones).</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>This silo's gateway port for front ends; with localhost clustering, also the gateway a front end in client mode connects to.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other machines reach this silo at (default: loopback with localhost clustering, else this machine's first IPv4 address).</summary>
    public string? AdvertisedAddress { get; set; }

    public StateStore Storage { get; set; } = StateStore.Sqlite;

    /// <summary>For Postgres, an Npgsql connection string; for Redis, a Redis connection string (default: <see cref="ConnectionString"/>).</summary>
    public string StorageConnectionString { get; set; } = "";

    /// <summary>The Redis connection string grain state uses when <see cref="Storage"/> is Redis.</summary>
    public string RedisStorageConnectionString => StorageConnectionString.Length > 0 ? StorageConnectionString : ConnectionString;

    /// <summary>
    /// How long a silo waits for another's answer to a liveness probe (Redis clustering). With
    /// <see cref="MissedProbesLimit"/> it sets how fast a crashed silo is declared dead and its players move: about
    /// their product plus a second or two (Orleans' defaults, 5 s x 3, took about 30 s on this machine).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.5", "00:01:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Probes a silo may miss in a row before the others vote it dead.</summary>
    [Range(1, 10)]
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>How often a front end (an Orleans client) reads the list of live gateways from the membership table.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == ClusterProvider.Redis && string.IsNullOrWhiteSpace(ConnectionString))
            yield return new ValidationResult("Provider Redis needs the Redis connection string (e.g. localhost:6379).", [nameof(ConnectionString)]);
        if (Provider == ClusterProvider.Redis && Storage == StateStore.Sqlite)
            yield return new ValidationResult("A cluster on Redis keeps its state on a server: set Storage to Redis or Postgres (a SQLite file belongs to one machine).", [nameof(Storage)]);
        if (Storage == StateStore.Postgres && string.IsNullOrWhiteSpace(StorageConnectionString))
            yield return new ValidationResult("Storage Postgres needs an Npgsql connection string (Host=...;Username=...;Database=...).", [nameof(StorageConnectionString)]);
        if (Storage == StateStore.Redis && string.IsNullOrWhiteSpace(RedisStorageConnectionString))
            yield return new ValidationResult("Storage Redis needs a Redis connection string (StorageConnectionString, or ConnectionString).", [nameof(StorageConnectionString)]);
        if (AdvertisedAddress is { Length: > 0 } address && !System.Net.IPAddress.TryParse(address, out _))
            yield return new ValidationResult($"'{address}' is not an IP address.", [nameof(AdvertisedAddress)]);
    }
}
