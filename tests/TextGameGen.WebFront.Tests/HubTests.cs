using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TextGameGen.Grains.Game;
using TextGameGen.WebFront.Auth;
using TextGameGen.WebFront.Hubs;

namespace TextGameGen.WebFront.Tests;

/// <summary>The hub over real SignalR connections to the real server (embedded silo, SQLite, tiny model).</summary>
public sealed class HubTests(TinyGameServer server) : IClassFixture<TinyGameServer>
{
    /// <summary>Every GM method with valid arguments (the player id is filled in per test).</summary>
    private static readonly (string Method, object?[] Args)[] s_gmCalls =
    [
        ("GmEvent", ["A storm rolls in."]),
        ("GmAnnounce", ["The inn closes at midnight."]),
        ("GmCreateRoom", ["old-mill", "The Old Mill", "Flour dust everywhere.", "south=square", "sack", "miller"]),
        ("GmDescribeRoom", ["old-mill", "A quiet mill by the stream."]),
        ("GmRemovePlayer", ["p-nobody"]),
        ("GmPlayers", []),
        ("GmRooms", []),
        ("GmPlayerContext", ["p-nobody"]),
        ("GmGenerators", []),
        ("GmCreateWorld", ["gm-made", "A World Made by a GM", "default", "default"]),
        ("GmReloadWorld", []),
        ("GmServer", []),
    ];

    [Fact]
    public void The_authorization_matrix_covers_every_GM_method_and_each_requires_the_GM_role()
    {
        var gmMethods = typeof(GameHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.Name.StartsWith("Gm", StringComparison.Ordinal)).ToList();
        Assert.Equal(gmMethods.Select(m => m.Name).Order(), s_gmCalls.Select(c => c.Method).Order());
        Assert.All(gmMethods, m => Assert.Equal(SignInEndpoints.GmRole, m.GetCustomAttribute<AuthorizeAttribute>()?.Roles));
        Assert.NotNull(typeof(GameHub).GetCustomAttribute<AuthorizeAttribute>()); // and the whole hub needs sign-in
    }

    [Fact]
    public async Task Anonymous_callers_cannot_connect_at_all()
    {
        var hub = new HubConnectionBuilder().WithUrl(new Uri(server.Address, "/hub")).Build();
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        using var http = new HttpClient { BaseAddress = server.Address };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Players_are_refused_every_GM_method_and_GMs_may_call_them_all()
    {
        await using var player = await TestPlayer.ConnectAsync(server.Address, "Pia");
        await player.JoinAsync();
        foreach (var (method, args) in s_gmCalls)
        {
            var ex = await Assert.ThrowsAsync<HubException>(() => player.Hub.InvokeCoreAsync<object?>(method, args));
            Assert.Contains("unauthorized", ex.Message, StringComparison.OrdinalIgnoreCase);
        }
        Assert.DoesNotContain(player.Events, e => e.Kind is PlayerEventKind.WorldEvent or PlayerEventKind.Announcement); // nothing happened

        await using var gm = await TestPlayer.ConnectAsync(server.Address, "Gwen", TestGameKeys.Gm);
        await gm.JoinAsync();
        var results = new Dictionary<string, object?>();
        foreach (var (method, args) in s_gmCalls) results[method] = await gm.Hub.InvokeCoreAsync<object?>(method, args);
        // Each call did what it says.
        await TestPlayer.Until(() => player.Events.Any(e => e.Kind == PlayerEventKind.WorldEvent && e.Text == "A storm rolls in."), "the player got the GM's event");
        await TestPlayer.Until(() => player.Events.Any(e => e.Kind == PlayerEventKind.Announcement && e.Text == "The inn closes at midnight."), "the player got the announcement");
        Assert.Contains("old-mill", await gm.Hub.InvokeAsync<string[]>("GmRooms"));
        Assert.False(((System.Text.Json.JsonElement)results["GmRemovePlayer"]!).GetBoolean()); // nobody of that id
        var players = await gm.Hub.InvokeAsync<Dictionary<string, string>>("GmPlayers");
        Assert.Equal("Pia", players[player.PlayerId]);
        var context = await gm.Hub.InvokeAsync<ContextView>("GmPlayerContext", player.PlayerId);
        Assert.Equal(128, context.ContextLength);
        Assert.Contains(context.Sections, s => s.Name.StartsWith("world info")); // the player's room, who is there (what fits)
        Assert.InRange(context.TotalTokens, 1, context.Budget);
        await gm.Hub.InvokeAsync("GmDescribeRoom", "square", "The square is empty but for the wind.");
        Assert.Equal("The square is empty but for the wind.", (await player.Hub.InvokeAsync<PlayerView>("View")).Room!.Description);
        Assert.Equal("default", Assert.Single(((System.Text.Json.JsonElement)results["GmGenerators"]!).EnumerateObject()).Name);
        using var http = new HttpClient { BaseAddress = server.Address };
        Assert.Contains("A World Made by a GM", await http.GetStringAsync("/api/worlds"));
        await using var visitor = await TestPlayer.ConnectAsync(server.Address, "Vic");
        Assert.Equal("gm-made", (await visitor.Hub.InvokeAsync<PlayerView>("JoinWorld", "gm-made")).WorldId);
        await Assert.ThrowsAsync<HubException>(() => visitor.Hub.InvokeAsync<PlayerView>("JoinWorld", "no-such-world"));
        Assert.True(await gm.Hub.InvokeAsync<bool>("GmRemovePlayer", player.PlayerId));
        var refused = await player.ActAsync("after-removal", "look");
        Assert.False(refused.Accepted);
        Assert.Contains("removed from the world by Gwen", refused.Error);
    }

    [Fact]
    public async Task The_acknowledgement_times_and_the_Orleans_dashboard_are_served_to_GMs_only_and_the_times_count_each_turn()
    {
        using var anonymous = new HttpClient { BaseAddress = server.Address };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/admin/acks")).StatusCode);
        await using var player = await TestPlayer.ConnectAsync(server.Address, "Pia");
        using var playerHttp = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = server.Address };
        Assert.True((await playerHttp.PostAsync("/api/signin", JsonContent.Create(new { name = "Pia" }))).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await playerHttp.GetAsync("/api/admin/acks")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/dashboard/")).StatusCode); // the Orleans dashboard, GMs only
        Assert.Equal(HttpStatusCode.Forbidden, (await playerHttp.GetAsync("/dashboard/")).StatusCode);

        using var gm = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = server.Address };
        Assert.True((await gm.PostAsync("/api/signin", JsonContent.Create(new { name = "Gus", gmKey = GameServerFixture.GmKeyValue }))).IsSuccessStatusCode);
        using (var dashboard = await gm.GetAsync("/dashboard/"))
        {
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
            Assert.Contains("Orleans Dashboard", await dashboard.Content.ReadAsStringAsync());
        }
        await gm.GetFromJsonAsync<AckTimesSnapshot>("/api/admin/acks?reset=true"); // a new window from here
        await player.JoinAsync();
        Assert.True((await player.ActAsync("a1", "look")).Accepted);
        Assert.True((await player.ActAsync("a2", "inventory")).Accepted);
        var window = (await gm.GetFromJsonAsync<AckTimesSnapshot>("/api/admin/acks"))!;
        Assert.True(window.Count >= 2, $"{window.Count} acknowledgements counted"); // other tests' players may act meanwhile
        Assert.Equal(window.Count, window.ValuesMs.Length);
        Assert.All(window.ValuesMs, ms => Assert.InRange(ms, 0, 60_000));
    }

    [Fact]
    public async Task Metrics_are_scraped_in_the_Prometheus_format_with_the_game_and_scheduler_series_after_a_turn()
    {
        await using var player = await TestPlayer.ConnectAsync(server.Address, "Mia");
        await player.JoinAsync();
        var ack = await player.ActAsync("m1", "do look at the sky");
        Assert.True(ack.Accepted, ack.Error);
        await player.PassageAsync("m1");
        using var http = new HttpClient { BaseAddress = server.Address };
        string text = "";
        // The exporter caches a scrape briefly; the passage's histogram appears within that time.
        for (int i = 0; i < 40 && !text.Contains("tgg_generation_time_to_first_token", StringComparison.Ordinal); i++)
        {
            if (i > 0) await Task.Delay(250);
            using var response = await http.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType);
            text = await response.Content.ReadAsStringAsync();
        }
        foreach (var series in new[] { "tgg_turn_ack_duration_milliseconds_bucket", "tgg_storage_write_duration_milliseconds_bucket", "tgg_storage_commit_writes", "tgg_generation_time_to_first_token", "tgg_generation_outcomes", "tgg_generation_generated_tokens_total", "tgg_generation_prompt_tokens", "tgg_hub_connections", "tgg_scheduler_running" })
            Assert.Contains(series, text);
    }

    [Fact]
    public async Task A_wrong_GM_key_is_refused_at_sign_in()
    {
        using var http = new HttpClient { BaseAddress = server.Address };
        var response = await http.PostAsync("/api/signin", JsonContent.Create(new { name = "Mallory", gmKey = "guess" }));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Wrong game-master key", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_player_acts_only_on_their_own_story_and_text_is_normalised_before_the_grain()
    {
        await using var a = await TestPlayer.ConnectAsync(server.Address, "Abe");
        await using var b = await TestPlayer.ConnectAsync(server.Address, "Bea");
        await a.JoinAsync();
        await b.JoinAsync();
        var ack = await a.ActAsync("n1", "do\u00A0open\u200B the\u202E door\u0007 e\u0301\U000E0041");
        Assert.True(ack.Accepted, ack.Error);
        Assert.Equal("do open the door é", ack.Turn!.PlayerText);
        await a.PassageAsync("n1");
        Assert.Contains((await a.Hub.InvokeAsync<PlayerView>("View")).Story, t => t.Id == "n1");
        Assert.DoesNotContain((await b.Hub.InvokeAsync<PlayerView>("View")).Story, t => t.Id == "n1");
    }

    [Fact]
    public async Task Oversize_and_malformed_input_gets_a_clear_error_and_loses_nothing()
    {
        await using var p = await TestPlayer.ConnectAsync(server.Address, "Olga");
        await p.JoinAsync();
        Assert.True((await p.ActAsync("ok-1", "do sit down")).Accepted);

        var tooLong = await Assert.ThrowsAsync<HubException>(() => p.ActAsync("big", "say " + new string('x', 600)));
        Assert.Contains("the most is 500", tooLong.Message);
        var unknown = await p.ActAsync("u-1", "teleport home");
        Assert.False(unknown.Accepted);
        Assert.Contains("Unknown command", unknown.Error);
        var empty = await Assert.ThrowsAsync<HubException>(() => p.ActAsync("e-1", "\u200B\u0007 "));
        Assert.Contains("empty", empty.Message);

        // A message over the hub's limit closes that connection; the player's acknowledged turns are all still there.
        var closed = await Assert.ThrowsAnyAsync<Exception>(() => p.ActAsync("huge", new string('y', GameHub.MaxMessageBytes + 100)));
        Assert.True(closed is HubException { Message: var m } && m.Contains("closed the connection"), closed.GetType().Name + ": " + closed.Message);
        await TestPlayer.Until(() => p.Hub.State == HubConnectionState.Disconnected, "the server closed the connection");
        await using var again = await p.NewConnectionAsync();
        var view = await again.InvokeAsync<PlayerView>("Join");
        Assert.Equal(["ok-1"], view.Story.Select(t => t.Id));
    }

    [Fact]
    public async Task Too_many_calls_are_refused_by_the_rate_limit_with_a_clear_message()
    {
        await using var p = await TestPlayer.ConnectAsync(server.Address, "Rapid");
        await p.JoinAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, RateLimitFilter.Burst + 15).Select(async _ =>
        {
            try
            {
                await p.Hub.InvokeAsync<PlayerView>("View");
                return "ok";
            }
            catch (HubException ex)
            {
                return ex.Message;
            }
        }));
        Assert.Contains(results, r => r.Contains("Slow down"));
        Assert.True(results.Count(r => r == "ok") >= RateLimitFilter.Burst - 1);
    }

    [Fact]
    public async Task A_disconnect_mid_passage_loses_nothing_and_the_next_join_fetches_it()
    {
        // The connection closes right after the acknowledgement. Whether it closed before the passage's end reached it
        // is read from what it received; a turn whose end came first is tried again with a new one.
        for (int attempt = 0; ; attempt++)
        {
            var p = await TestPlayer.ConnectAsync(server.Address, "Dora");
            await p.JoinAsync();
            string turnId = $"d-{attempt}";
            var ack = await p.ActAsync(turnId, "do run for the gate");
            Assert.True(ack.Accepted);
            Assert.Equal(PassageStatus.Pending, ack.Turn!.Status);
            await p.DisposeAsync();
            bool endSeen = p.Events.Any(e => e.Kind == PlayerEventKind.PassageEnd && e.TurnId == turnId);
            if (endSeen && attempt < 5) continue;
            Assert.False(endSeen, "five passages ended before their connection closed");

            await using var back = await p.NewConnectionAsync();
            // Polled four times a second: the hub's rate limit (5 calls a second) applies to joins too.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            PlayerView view;
            while ((view = await back.InvokeAsync<PlayerView>("Join")).Story.Single(t => t.Id == turnId).Status != PassageStatus.Complete)
            {
                Assert.True(DateTime.UtcNow < deadline, "the passage did not finish while nobody was connected");
                await Task.Delay(250);
            }
            Assert.NotEmpty(view.Story.Single(t => t.Id == turnId).Text);
            return;
        }
    }

    [Fact]
    public async Task The_same_turn_id_sent_twice_after_a_reconnect_is_applied_once()
    {
        await using var p = await TestPlayer.ConnectAsync(server.Address, "Ida");
        await p.JoinAsync();
        var first = await p.ActAsync("same-1", "do knock");
        await using var second = await p.NewConnectionAsync();
        var again = await second.InvokeAsync<TurnAck>("Act", "same-1", "do knock");
        Assert.True(again.Duplicate);
        Assert.Equal(first.Seq, again.Seq);
        Assert.Single((await second.InvokeAsync<PlayerView>("View")).Story, t => t.Id == "same-1");
    }

    [Fact]
    public async Task The_model_test_pane_streams_raw_output_to_game_masters_only()
    {
        await using var gm = await TestPlayer.ConnectAsync(server.Address, "Tess", TestGameKeys.Gm);
        var pieces = new List<string>();
        await foreach (var piece in gm.Hub.StreamAsync<string>("TestPrompt", "<|action|>The door", 0.8f, 8, 3)) pieces.Add(piece);
        // Eight tokens, seeded: the same text as the same request again, in at least one piece.
        var again = new List<string>();
        await foreach (var piece in gm.Hub.StreamAsync<string>("TestPrompt", "<|action|>The door", 0.8f, 8, 3)) again.Add(piece);
        Assert.NotEmpty(pieces);
        Assert.Equal(string.Concat(pieces), string.Concat(again));

        await using var player = await TestPlayer.ConnectAsync(server.Address, "Tom");
        var refused = await Assert.ThrowsAsync<HubException>(async () =>
        {
            await foreach (var _ in player.Hub.StreamAsync<string>("TestPrompt", "<|action|>The door", 0.8f, 8, 3)) { }
        });
        Assert.Contains("unauthorized", refused.Message);
    }
}

internal static class TestGameKeys
{
    public const string Gm = GameServerFixture.GmKeyValue;
}
