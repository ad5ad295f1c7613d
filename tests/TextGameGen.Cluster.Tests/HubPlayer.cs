using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using TextGameGen.Grains.Game;
using TextGameGen.WebFront.Hubs;

namespace TextGameGen.Cluster.Tests;

/// <summary>A player's browser in a test: one sign-in (its cookie), and hub connections to any front end with that cookie.</summary>
public sealed class HubPlayer : IAsyncDisposable
{
    private readonly CookieContainer _cookies = new();
    private readonly List<HubConnection> _connections = [];

    public ConcurrentQueue<PlayerEvent> Events { get; } = new();

    public static async Task<HubPlayer> SignInAsync(Uri frontEnd, string name)
    {
        var player = new HubPlayer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = player._cookies }) { BaseAddress = frontEnd };
        (await http.PostAsJsonAsync("/api/signin", new { name })).EnsureSuccessStatusCode();
        return player;
    }

    /// <summary>Connects to a front end (any: the cookie is the one signed in with) and joins the default world.</summary>
    public async Task<(HubConnection Hub, PlayerView View)> ConnectAsync(Uri frontEnd)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(frontEnd, "/hub"), o => o.Cookies = _cookies)
            .AddJsonProtocol(o => HubJson.Configure(o.PayloadSerializerOptions))
            .Build();
        hub.On<PlayerEvent>("event", e => Events.Enqueue(e));
        await hub.StartAsync();
        _connections.Add(hub);
        return (hub, await hub.InvokeAsync<PlayerView>("Join"));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hub in _connections) await hub.DisposeAsync();
    }
}
