using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using TextGameGen.Grains.Game;
using TextGameGen.WebFront.Hubs;
using Xunit.Abstractions;

namespace TextGameGen.WebFront.Tests;

/// <summary>A crowded room over real SignalR connections: every action reaches everyone else present, in the room's order.</summary>
public sealed class CrowdTests(TinyGameServer server, ITestOutputHelper output) : IClassFixture<TinyGameServer>
{
    [Fact]
    public async Task Two_hundred_players_in_one_room_each_acting_five_times_see_every_other_action_in_room_order()
    {
        const int players = 200, actions = 5;
        var crowd = await Task.WhenAll(Enumerable.Range(0, players).Select(i => TestPlayer.ConnectAsync(server.Address, $"Crowd {i}")));
        try
        {
            foreach (var batch in crowd.Chunk(20)) await Task.WhenAll(batch.Select(p => p.JoinAsync()));
            var rooms = server.App.Services.GetRequiredService<RoomMembers>();
            await TestPlayer.Until(() => rooms.CountIn("default/square") == players, "all 200 in the square as the front end sees it");

            var start = DateTime.UtcNow;
            await Task.WhenAll(crowd.Select(async (p, i) =>
            {
                for (int a = 0; a < actions; a++)
                {
                    var ack = await p.ActAsync($"c{i}-{a}", $"say crowd line {i}.{a}");
                    Assert.True(ack.Accepted, ack.Error);
                }
            }));
            static List<RoomActivity> Lines(TestPlayer p) =>
                [.. p.Events.Where(e => e.Kind == PlayerEventKind.Room).SelectMany(e => e.Activities!).Where(a => a.Text.Contains("crowd line", StringComparison.Ordinal))];
            await TestPlayer.Until(() => crowd.All(p => Lines(p).Count >= (players - 1) * actions), "every action delivered to the 199 others", 120);
            int messages = crowd.Sum(p => p.Events.Count(e => e.Kind == PlayerEventKind.Room && e.Activities!.Any(a => a.Text.Contains("crowd line", StringComparison.Ordinal))));
            output.WriteLine($"{players * actions} actions, {players * actions * (players - 1)} deliveries in {messages} room messages in {(DateTime.UtcNow - start).TotalSeconds:F1} s");
            // A busy room's lines are gathered and sent a few at a time: fewer messages than lines delivered.
            Assert.True(messages < players * actions * (players - 1), $"{messages} room messages for {players * actions * (players - 1)} lines");

            for (int i = 0; i < players; i++)
            {
                var seen = Lines(crowd[i]);
                Assert.Equal((players - 1) * actions, seen.Count);
                Assert.DoesNotContain(seen, a => a.ActorId == crowd[i].PlayerId); // not told of their own
                Assert.Equal(seen.Select(a => a.Seq).Order(), seen.Select(a => a.Seq)); // in the room's order
                Assert.Equal((players - 1) * actions, seen.Select(a => a.Seq).Distinct().Count()); // each once
            }
        }
        finally
        {
            await Task.WhenAll(crowd.Select(p => p.DisposeAsync().AsTask()));
        }
    }
}

/// <summary>A browser that stops reading: its connection's outbox stays bounded, it is disconnected, and told why when it comes back.</summary>
public sealed class SlowClientTests(SmallOutboxGameServer server, ITestOutputHelper output) : IClassFixture<SmallOutboxGameServer>
{
    [Fact]
    public async Task A_client_that_never_reads_is_dropped_with_the_server_queue_bounded_and_told_why_when_it_comes_back()
    {
        var cookies = new CookieContainer();
        using (var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = server.Address })
            (await http.PostAsJsonAsync("/api/signin", new { name = "Stuck" })).EnsureSuccessStatusCode();
        using var stuck = await StuckClient.ConnectAsync(server.Address, cookies);
        await using var reader = await TestPlayer.ConnectAsync(server.Address, "Reader");
        await reader.JoinAsync();

        // A loud room: big actions straight to the room grain, far more than the stuck browser's socket and outbox hold.
        var outboxes = server.App.Services.GetRequiredService<ClientOutboxes>();
        var room = server.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IRoomGrain>("default/square");
        var text = new string('x', 4000);
        const int loud = 2000;
        int peak = 0;
        for (int i = 0; i < loud; i++)
        {
            await room.ActAsync("loud", "Loud", $"{i} {text}");
            peak = Math.Max(peak, outboxes.Queued);
            if (i % 10 == 9) await Task.Delay(10); // a loud room, not a burst faster than any browser reads (4 MB/s)
        }
        await TestPlayer.Until(() => reader.Events.Where(e => e.Kind == PlayerEventKind.Room).Sum(e => e.Activities!.Count(a => a.ActorId == "loud")) == loud, "the reading player got every action", 120);
        await TestPlayer.Until(() => stuck.Closed, "the stuck browser's connection closed by the server", 60);
        output.WriteLine($"queued at most {peak} (outbox peak {outboxes.PeakQueued}, limit {SmallOutboxGameServer.Limit} per connection)");
        Assert.True(outboxes.PeakQueued <= 2 * SmallOutboxGameServer.Limit, $"outboxes held {outboxes.PeakQueued} messages");

        // Back with a new connection: the page is told why, and the story is all there.
        await using var back = new HubConnectionBuilder()
            .WithUrl(new Uri(server.Address, GameHub.Path), o => o.Cookies = cookies)
            .AddJsonProtocol(o => HubJson.Configure(o.PayloadSerializerOptions))
            .Build();
        var events = new System.Collections.Concurrent.ConcurrentQueue<PlayerEvent>();
        back.On<PlayerEvent>("event", events.Enqueue);
        await back.StartAsync();
        var view = await back.InvokeAsync<PlayerView>("Join");
        Assert.Equal("Stuck", view.Name);
        await TestPlayer.Until(() => events.Any(e => e.Kind == PlayerEventKind.Notice), "the notice");
        var notice = events.First(e => e.Kind == PlayerEventKind.Notice).Text;
        Assert.Contains("fell", notice);
        Assert.Contains("behind", notice);
    }

    /// <summary>A raw SignalR client over a WebSocket with a tiny receive buffer that joins and then never reads again.</summary>
    private sealed class StuckClient : IDisposable
    {
        private readonly ClientWebSocket _socket;
        private readonly HttpMessageInvoker _invoker;

        private StuckClient(ClientWebSocket socket, HttpMessageInvoker invoker) => (_socket, _invoker) = (socket, invoker);

        /// <summary>True once the server closed the connection (probed without reading messages).</summary>
        public bool Closed => _socket.State is WebSocketState.Aborted or WebSocketState.Closed or WebSocketState.CloseReceived || !IsConnected();

        private bool _closedSeen;

        private bool IsConnected()
        {
            if (_closedSeen) return false;
            try
            {
                // Sending still works while the server is there; once it aborted the connection, sends fail.
                _socket.SendAsync(Encoding.UTF8.GetBytes("{\"type\":6}\u001e"), WebSocketMessageType.Text, true, CancellationToken.None).Wait(2000);
                return true;
            }
            catch
            {
                _closedSeen = true;
                return false;
            }
        }

        public static async Task<StuckClient> ConnectAsync(Uri server, CookieContainer cookies)
        {
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (context, ct) =>
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 1024 };
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            };
            var invoker = new HttpMessageInvoker(handler);
            var ws = new ClientWebSocket();
            var hub = new Uri(server, GameHub.Path);
            ws.Options.SetRequestHeader("Cookie", cookies.GetCookieHeader(hub));
            await ws.ConnectAsync(new UriBuilder(hub) { Scheme = "ws" }.Uri, invoker, CancellationToken.None);
            var client = new StuckClient(ws, invoker);
            await client.SendAsync("{\"protocol\":\"json\",\"version\":1}");
            await client.ReadUntilAsync("{}");
            await client.SendAsync("{\"type\":1,\"invocationId\":\"1\",\"target\":\"Join\",\"arguments\":[]}");
            await client.ReadUntilAsync("\"invocationId\":\"1\"");
            return client; // and never reads again
        }

        private Task SendAsync(string message) =>
            _socket.SendAsync(Encoding.UTF8.GetBytes(message + "\u001e"), WebSocketMessageType.Text, true, CancellationToken.None);

        private async Task ReadUntilAsync(string marker)
        {
            var buffer = new byte[64 * 1024];
            var text = new StringBuilder();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (!text.ToString().Contains(marker, StringComparison.Ordinal))
            {
                var r = await _socket.ReceiveAsync(buffer, timeout.Token);
                text.Append(Encoding.UTF8.GetString(buffer, 0, r.Count));
            }
        }

        public void Dispose()
        {
            _socket.Abort();
            _socket.Dispose();
            _invoker.Dispose();
        }
    }
}
