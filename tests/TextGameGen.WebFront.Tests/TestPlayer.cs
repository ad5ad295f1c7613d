using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using TextGameGen.Grains.Game;

namespace TextGameGen.WebFront.Tests;

/// <summary>A signed-in SignalR client for hub tests: records every event it is sent.</summary>
public sealed class TestPlayer : IAsyncDisposable
{
    private readonly Uri _server;
    private readonly CookieContainer _cookies;

    private TestPlayer(Uri server, CookieContainer cookies, string playerId)
    {
        _server = server;
        _cookies = cookies;
        PlayerId = playerId;
        Hub = Build();
        Hub.On<PlayerEvent>("event", e => Events.Enqueue(e));
    }

    private HubConnection Build() => new HubConnectionBuilder()
        .WithUrl(new Uri(_server, "/hub"), o => o.Cookies = _cookies)
        .AddJsonProtocol(o => TextGameGen.WebFront.Hubs.HubJson.Configure(o.PayloadSerializerOptions))
        .Build();

    /// <summary>A second connection of the same signed-in player (a reloaded page, a reconnect).</summary>
    public async Task<HubConnection> NewConnectionAsync()
    {
        var hub = Build();
        await hub.StartAsync();
        return hub;
    }

    public HubConnection Hub { get; }
    public string PlayerId { get; }
    public ConcurrentQueue<PlayerEvent> Events { get; } = new();

    public sealed record Identity(string PlayerId, string Name, bool IsGm);

    /// <summary>Signs in (as a GM when a key is given) and connects; does not join.</summary>
    public static async Task<TestPlayer> ConnectAsync(Uri server, string name, string? gmKey = null)
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = server };
        var response = await http.PostAsJsonAsync("/api/signin", new { name, gmKey });
        response.EnsureSuccessStatusCode();
        var identity = (await response.Content.ReadFromJsonAsync<Identity>())!;
        var player = new TestPlayer(server, cookies, identity.PlayerId);
        await player.Hub.StartAsync();
        return player;
    }

    public Task<PlayerView> JoinAsync() => Hub.InvokeAsync<PlayerView>("Join");

    public Task<TurnAck> ActAsync(string turnId, string command) => Hub.InvokeAsync<TurnAck>("Act", turnId, command);

    /// <summary>Waits for the passage of a turn to end and returns the final turn.</summary>
    public async Task<StoryTurn> PassageAsync(string turnId, int seconds = 60)
    {
        await Until(() => Events.Any(e => e.Kind == PlayerEventKind.PassageEnd && e.TurnId == turnId), $"passage of {turnId}", seconds);
        return Events.Last(e => e.Kind == PlayerEventKind.PassageEnd && e.TurnId == turnId).Turn!;
    }

    public static async Task Until(Func<bool> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited {seconds} s for: {what}");
            await Task.Delay(20);
        }
    }

    public ValueTask DisposeAsync() => Hub.DisposeAsync();
}
