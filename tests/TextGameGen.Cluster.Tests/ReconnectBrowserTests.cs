using Microsoft.Playwright;
using TextGameGen.Grains.Game;
using TextGameGen.Silo.Hosting;

namespace TextGameGen.Cluster.Tests;

/// <summary>Debian's Chromium (Playwright for .NET drives it; no browser is downloaded).</summary>
public sealed class Chromium : IAsyncLifetime
{
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var path = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        if (!File.Exists(path)) throw new InvalidOperationException($"No Chromium at {path}: ./test.sh installs Debian's chromium, or set CHROMIUM_PATH.");
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new() { ExecutablePath = path, Headless = true, Args = ["--no-sandbox", "--disable-dev-shm-usage"] });
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        Playwright.Dispose();
    }
}

/// <summary>The front end a browser is connected to is killed and started again.</summary>
public sealed class ReconnectBrowserTests(StoreServers servers, Chromium chromium) : IClassFixture<StoreServers>, IClassFixture<Chromium>
{
    [Fact]
    public async Task The_page_shows_it_is_reconnecting_comes_back_with_the_story_intact_and_a_turn_typed_meanwhile_is_applied_once()
    {
        await using var cluster = await RedisGameCluster.StartAsync(servers.Redis, StateStore.Redis, silos: 2);
        await using var front = await FrontEndProcess.StartAsync(servers.Redis, cluster);
        var context = await chromium.Browser.NewContextAsync(new() { BaseURL = front.Address.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync("/");
        await page.FillAsync("#name", "Rhea");
        await page.ClickAsync("#signin");
        await page.WaitForSelectorAsync("#status.online");
        await page.SelectOptionAsync("#mode", "do");
        await page.FillAsync("#command", "light a torch");
        await page.ClickAsync("#send");
        await page.WaitForSelectorAsync(".turn.kind-do[data-status=complete]");
        var before = await page.Locator("#story .turn").AllInnerTextsAsync();

        await front.KillAsync();
        await page.WaitForSelectorAsync("#status:not(.online):has-text('reconnecting')");
        // Typed while the front end is down: kept, and sent when the page is back.
        await page.SelectOptionAsync("#mode", "do");
        await page.FillAsync("#command", "climb the tower stairs");
        await page.ClickAsync("#send");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await front.RestartAsync();

        await page.WaitForSelectorAsync("#status.online", new() { Timeout = 60_000 });
        await page.WaitForSelectorAsync(".turn.kind-do:has-text('climb the tower stairs')[data-status=complete]");
        var after = await page.Locator("#story .turn").AllInnerTextsAsync();
        Assert.Equal(before, after.Take(before.Count)); // the story as it was, then the new turn

        var playerId = await page.EvaluateAsync<string>("async () => (await (await fetch('/api/me')).json()).playerId");
        var story = (await cluster.Grains.GetGrain<IPlayerGrain>(playerId).GetViewAsync()).Story;
        Assert.Single(story, t => t.PlayerText.Contains("climb the tower stairs", StringComparison.Ordinal));
        Assert.Equal(2, story.Count);
    }
}
