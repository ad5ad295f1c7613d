using TextGameGen.Silo.Hosting;

namespace TextGameGen.WebFront.Hosting;

/// <summary>The front end's way to the grains: a silo in this process (with the models), or an Orleans client.</summary>
public static class ClusterHosting
{
    public static WebApplicationBuilder AddGameCluster(this WebApplicationBuilder builder, HostingOptions hosting)
    {
        if (hosting.IsEmbedded)
        {
            builder.Services.AddTextGameGenInference();
            builder.UseOrleans(silo => silo.UseLocalhostClustering(hosting.SiloPort, hosting.GatewayPort).AddTextGameGenGame());
        }
        else
        {
            builder.UseOrleansClient(client => client.UseLocalhostClustering(hosting.GatewayPort));
        }
        return builder;
    }
}
