using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace TextGameGen.Silo.Hosting;

/// <summary>
/// The meters an operator scrapes (OpenTelemetry, Prometheus format at <c>/metrics</c>): the scheduler's
/// (<c>TextGameGen.Inference</c>: queue time, time to first token, time per token, batch size, outcomes, running and
/// waiting rows), the game's (<c>TextGameGen.WebFront</c>: acknowledgement time, connections, refused calls), the
/// storage's (<c>TextGameGen.Storage</c>: durable write time, writes per commit), Orleans'
/// own (<c>Microsoft.Orleans</c>), ASP.NET Core's and SignalR's, and the .NET runtime's (GC, thread pool).
/// </summary>
public static class MetricsHosting
{
    public static readonly string[] Meters =
    [
        "TextGameGen.Inference", "TextGameGen.WebFront", "TextGameGen.Storage", "Microsoft.Orleans", "System.Runtime",
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections",
    ];

    /// <summary>Collects <see cref="Meters"/>; <paramref name="exporter"/> adds where they go (a scrape endpoint).</summary>
    public static IServiceCollection AddTextGameGenMetrics(this IServiceCollection services, Action<MeterProviderBuilder> exporter)
    {
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(Meters);
            exporter(metrics);
        });
        return services;
    }
}
