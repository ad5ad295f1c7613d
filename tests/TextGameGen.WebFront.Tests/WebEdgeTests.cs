using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TextGameGen.WebFront.Hosting;

namespace TextGameGen.WebFront.Tests;

/// <summary>A server that lets a client address sign in five times a minute (the default fixture lifts the limit).</summary>
public sealed class StrictGameServer : GameServerFixture
{
    protected override string ModelPath => TestModels.TinyRandom;
    protected override IEnumerable<string> ExtraArguments => ["--TextGameGen:Hosting:SignInsPerMinute=5"];
}

/// <summary>What every response carries and what the sign-in refuses: the edges a browser or a flood meets first.</summary>
public sealed class WebEdgeTests(StrictGameServer server, ChromiumFixture chromium) : IClassFixture<StrictGameServer>, IClassFixture<ChromiumFixture>
{
    /// <summary>A client that a proxy on this machine says comes from <paramref name="address"/>: each test its own rate-limit partition.</summary>
    private HttpClient Client(string address)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = server.Address };
        http.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return http;
    }

    [Fact]
    public async Task Every_response_carries_the_content_security_policy_nosniff_and_no_referrer()
    {
        using var http = Client("198.51.100.1");
        foreach (var path in new[] { "/", "/app.js", "/style.css", "/api/me", "/healthz", "/no-such-page" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(SecurityHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        }
    }

    [Fact]
    public async Task A_flood_of_sign_ins_from_one_address_gets_429()
    {
        using var http = Client("203.0.113.7");
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 8; i++)
            statuses.Add((await http.PostAsJsonAsync("/api/signin", new { name = $"Flood{i}" })).StatusCode);

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        // Another address is not held back by this one's flood.
        using var other = Client("203.0.113.8");
        Assert.Equal(HttpStatusCode.OK, (await other.PostAsJsonAsync("/api/signin", new { name = "Calm" })).StatusCode);
    }

    [Fact]
    public async Task Behind_a_TLS_proxy_the_cookie_is_Secure_and_HSTS_is_sent_and_over_plain_HTTP_neither()
    {
        using var http = Client("198.51.100.2");
        using var plain = await http.PostAsJsonAsync("/api/signin", new { name = "Plain" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/signin") { Content = JsonContent.Create(new { name = "Proxied" }) };
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var proxied = await http.SendAsync(request);

        Assert.DoesNotContain("secure", plain.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
        Assert.Contains("secure", proxied.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("max-age=", proxied.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public async Task A_name_is_NFKC_normalised()
    {
        using var http = Client("198.51.100.3");
        var response = await http.PostAsJsonAsync("/api/signin", new { name = "ｆｕｌｌ ﬁre" }); // full-width letters, the fi ligature
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("full fire", (await response.Content.ReadFromJsonAsync<TestPlayer.Identity>())!.Name);
    }

    [Fact]
    public async Task The_browser_blocks_an_inline_script_and_a_player_sees_no_model_test_pane()
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Address.ToString() });
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) => { if (message.Text.Contains("Content Security Policy")) violations.Add(message.Text); };
        await page.GotoAsync("/");
        await Assert.ThrowsAnyAsync<PlaywrightException>(() => page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = "window.__inline = 1;" }));
        Assert.Null(await page.EvaluateAsync<int?>("window.__inline ?? null"));
        Assert.NotEmpty(violations);

        await page.FillAsync("#name", "Pia");
        await page.ClickAsync("#signin");
        await page.WaitForSelectorAsync("#status.online");
        Assert.True(await page.Locator("#test-pane-section").IsHiddenAsync());
        await context.CloseAsync();
    }
}

/// <summary>GM cookies are tied to the key they were issued under.</summary>
public sealed class GmKeyRotationTests
{
    [Fact]
    public async Task Changing_the_GM_key_revokes_the_GM_cookies_issued_under_the_old_one()
    {
        var cookies = new CookieContainer();
        var db = Path.Combine(Path.GetTempPath(), "tgg-tests", $"gm-rotation-{Guid.NewGuid():N}.db");

        await using (var first = await StartAsync("key-a", db))
        {
            using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = first.Address };
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/signin", new { name = "Gwen", gmKey = "key-a" })).StatusCode);
            Assert.True((await http.GetFromJsonAsync<TestPlayer.Identity>("/api/me"))!.IsGm);
        }
        await using (var rotated = await StartAsync("key-b", db))
        {
            using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = rotated.Address };
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/me")).StatusCode);
        }
    }

    private sealed class Server(WebApplication app, Uri address) : IAsyncDisposable
    {
        public Uri Address { get; } = address;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<Server> StartAsync(string gmKey, string db)
    {
        var app = GameServer.Build([
            "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", $"--TextGameGen:Storage:Database={db}",
            $"--TextGameGen:Hosting:GmKey={gmKey}", $"--TextGameGen:Cluster:SiloPort={FreePort.Next()}", $"--TextGameGen:Cluster:GatewayPort={FreePort.Next()}",
            $"--TextGameGen:Inference:Generators:default={TestModels.TinyRandom}",
        ]);
        await app.StartAsync();
        return new Server(app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
    }
}
