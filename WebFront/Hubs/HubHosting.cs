using Microsoft.AspNetCore.SignalR;

namespace TextGameGen.WebFront.Hubs;

/// <summary>The SignalR hub with its filters (rate limit, errors), the relay of player events, and its metrics.</summary>
public static class HubHosting
{
    public static WebApplicationBuilder AddGameHub(this WebApplicationBuilder builder, Hosting.HostingOptions hosting)
    {
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(hosting));
        builder.Services.AddSingleton<AckTimes>();
        builder.Services.AddSingleton<GameMetrics>();
        builder.Services.AddSingleton<RateLimitFilter>();
        builder.Services.AddSignalR(options =>
        {
            options.MaximumReceiveMessageSize = GameHub.MaxMessageBytes;
            options.AddFilter<RateLimitFilter>();
            options.AddFilter<ErrorFilter>();
        }).AddJsonProtocol(o => HubJson.Configure(o.PayloadSerializerOptions));
        builder.Services.AddSingleton<ClientOutboxes>();
        builder.Services.AddSingleton<RoomMembers>();
        builder.Services.AddSingleton<HubLifetimeManager<GameHub>, OutboxHubLifetimeManager>();
        builder.Services.AddSingleton<PlayerEventRelay>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PlayerEventRelay>());
        return builder;
    }

    public static WebApplication MapGameHub(this WebApplication app)
    {
        app.MapHub<GameHub>(GameHub.Path);
        return app;
    }
}
