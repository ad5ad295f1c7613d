using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.SignalR;
using TextGameGen.Grains.Game;
using TextGameGen.Silo;
using TextGameGen.WebFront.Auth;
using TextGameGen.WebFront.Hubs;

namespace TextGameGen.WebFront.Hosting;

/// <summary>
/// Builds the game's web server: sign-in, the SignalR hub, the browser page, and either a silo in this process
/// (embedded mode: localhost clustering, SQLite file, the bundled model) or a client of silos run separately.
/// </summary>
public static partial class GameServer
{
    public static WebApplication Build(string[] args)
    {
        var early = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
        var webRoot = early[$"{HostingOptions.Section}:WebRoot"] ?? Path.Combine(AppContext.BaseDirectory, "wwwroot");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, WebRootPath = webRoot });

        var hosting = builder.Configuration.GetSection(HostingOptions.Section).Get<HostingOptions>() ?? new HostingOptions();
        builder.Services.AddOptions<GameOptions>().BindConfiguration(GameOptions.Section);
        var gmKey = hosting.GmKey.Length > 0 ? new GmKey(hosting.GmKey) : GmKey.CreateRandom();
        builder.Services.AddSingleton(gmKey);

        if (hosting.IsEmbedded)
        {
            builder.Services.AddTextGameGenInference();
            var database = builder.Configuration[GameHostingExtensions.DatabaseKey] ?? GameHostingExtensions.DefaultDatabase;
            builder.UseOrleans(silo => silo.UseLocalhostClustering(hosting.SiloPort, hosting.GatewayPort).AddTextGameGenGame(database));
        }
        else
        {
            builder.UseOrleansClient(client => client.UseLocalhostClustering(hosting.GatewayPort));
        }

        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(options =>
        {
            options.Cookie.Name = "tgg.player";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.ExpireTimeSpan = TimeSpan.FromDays(30);
            options.SlidingExpiration = true;
            // An API: answer 401/403 instead of redirecting to a login page.
            options.Events.OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
            options.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
        });
        builder.Services.AddAuthorization();
        builder.Services.AddSingleton<GameMetrics>();
        builder.Services.AddSingleton<RateLimitFilter>();
        builder.Services.AddSignalR(options =>
        {
            options.MaximumReceiveMessageSize = GameHub.MaxMessageBytes;
            options.AddFilter<RateLimitFilter>();
            options.AddFilter<ErrorFilter>();
        }).AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddSingleton<PlayerEventRelay>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PlayerEventRelay>());

        var app = builder.Build();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapSignIn();
        app.MapHub<GameHub>(GameHub.Path);
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TextGameGen.WebFront");
        if (hosting.GmKey.Length == 0) LogGeneratedGmKey(logger, gmKey.Value);
        LogMode(logger, hosting.IsEmbedded ? "embedded (silo in this process)" : $"client of the silo gateway on port {hosting.GatewayPort}");
        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No game-master key configured (TextGameGen:Hosting:GmKey); this run's key is {Key}")]
    private static partial void LogGeneratedGmKey(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hosting mode: {Mode}")]
    private static partial void LogMode(ILogger logger, string mode);
}
