using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;

namespace TextGameGen.Silo.Hosting;

/// <summary>Membership and endpoints of a silo or a client from <see cref="ClusterSettings"/>: localhost, or Orleans' Redis clustering.</summary>
public static class ClusterHostingExtensions
{
    public static ISiloBuilder UseTextGameGenCluster(this ISiloBuilder silo, ClusterSettings cluster)
    {
        if (cluster.Provider == ClusterProvider.Localhost)
            return silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
        silo.UseRedisClustering(o => o.ConfigurationOptions = RedisOptions(cluster.ConnectionString));
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = cluster.ProbeTimeout;
            o.NumMissedProbesLimit = cluster.MissedProbesLimit;
        });
        silo.ConfigureEndpoints(AdvertisedAddress(cluster), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
        return silo;
    }

    public static IClientBuilder UseTextGameGenCluster(this IClientBuilder client, ClusterSettings cluster)
    {
        if (cluster.Provider == ClusterProvider.Localhost)
            return client.UseLocalhostClustering(cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
        client.UseRedisClustering(o => o.ConfigurationOptions = RedisOptions(cluster.ConnectionString));
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        // A front end learns that a silo's gateway is gone from the membership table; Orleans reads it every minute
        // by default, and until then calls routed through the dead gateway fail.
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = cluster.GatewayListRefreshPeriod);
        // A call in flight through a gateway that dies gets no answer and fails only when it times out: the front end's
        // calls are short (a turn is stored in milliseconds), so 10 s rather than Orleans' 30 s; the hub sends a
        // turn that timed out again under the same id, which is applied once.
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        return client;
    }

    /// <summary>A Redis connection that keeps retrying in the background rather than failing once (a restarted Redis is found again).</summary>
    public static ConfigurationOptions RedisOptions(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        return options;
    }

    private static IPAddress AdvertisedAddress(ClusterSettings cluster)
    {
        if (cluster.AdvertisedAddress is { Length: > 0 } given) return IPAddress.Parse(given);
        var address = Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        return address ?? IPAddress.Loopback;
    }
}
