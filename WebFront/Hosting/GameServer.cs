using OpenTelemetry.Metrics;
using TextGameGen.Silo.Hosting;
using TextGameGen.WebFront.Admin;
using TextGameGen.WebFront.Auth;
using TextGameGen.WebFront.Hubs;
using TextGameGen.WebFront.Worlds;

namespace TextGameGen.WebFront.Hosting;

/// <summary>
/// The game's web server: sign-in, the SignalR hub, the browser page, and either a silo in this process (embedded
/// mode: localhost clustering, SQLite file, the bundled model) or a client of silos run separately.
/// </summary>
public static partial class GameServer
{
    public static WebApplication Build(string[] args)
    {
        var builder = CreateBuilder(args);
        var hosting = ValidatedOptions.Read<HostingOptions>(builder.Configuration, HostingOptions.Section);
        var cluster = ValidatedOptions.Read<ClusterSettings>(builder.Configuration, ClusterSettings.Section);
        builder.Services.AddTextGameGenOptions();
        builder.AddGameSecurity();
        builder.AddGameCluster(hosting, cluster);
        builder.AddGameSignIn(hosting.GmKey, hosting.SignInsPerMinute);
        builder.AddGameHub(hosting);
        builder.Services.AddTextGameGenMetrics(m => m.AddPrometheusExporter());

        var app = builder.Build();
        app.UseGameSecurity();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapSignIn();
        app.MapWorlds();
        app.MapGameHub();
        app.MapAdmin();
        app.MapPrometheusScrapingEndpoint(); // /metrics: scrape it from inside the network (see docs/operations.md)
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
        LogStart(app, hosting, cluster);
        return app;
    }

    /// <summary>The builder, with the page's folder (which must be known before the builder exists) read from configuration.</summary>
    private static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var early = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
        var webRoot = early[$"{HostingOptions.Section}:{nameof(HostingOptions.WebRoot)}"] ?? Path.Combine(AppContext.BaseDirectory, "wwwroot");
        return WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, WebRootPath = webRoot });
    }

    private static void LogStart(WebApplication app, HostingOptions hosting, ClusterSettings cluster)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TextGameGen.WebFront");
        if (hosting.GmKey.Length == 0) LogGeneratedGmKey(logger, app.Services.GetRequiredService<GmKey>().Value);
        LogMode(logger, (hosting.IsEmbedded, cluster.Provider) switch
        {
            (true, _) => $"embedded (silo in this process, {cluster.Provider} clustering, state in {cluster.Storage})",
            (false, ClusterProvider.Localhost) => $"client of the silo gateway on port {cluster.GatewayPort}",
            (false, _) => $"client of cluster '{cluster.ClusterId}' (membership in Redis)",
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No game-master key configured (TextGameGen:Hosting:GmKey); this run's key is {Key}")]
    private static partial void LogGeneratedGmKey(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hosting mode: {Mode}")]
    private static partial void LogMode(ILogger logger, string mode);
}
