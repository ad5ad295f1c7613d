using Microsoft.Playwright;

namespace TextGameGen.WebFront.Tests;

/// <summary>Debian's Chromium, driven by Playwright for .NET (no browser is downloaded; .ci/run installs chromium).</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public static string ExecutablePath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"No Chromium at {ExecutablePath}: install Debian's chromium package (apt-get install chromium), as .ci/run does, or set CHROMIUM_PATH.");
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        Playwright.Dispose();
    }
}

/// <summary>
/// The game in real headless Chromium against the real server. Its model was trained (in TestModels) to write HTML
/// markup, so every passage is an XSS attempt produced as model output.
/// </summary>
public sealed class BrowserTests(HostileGameServer server, ChromiumFixture chromium) : IClassFixture<HostileGameServer>, IClassFixture<ChromiumFixture>
{
    private const float Timeout = 60_000;

    private async Task<IPage> SignInAsync(string name, string? gmKey = null)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Address.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        await page.GotoAsync("/");
        await page.FillAsync("#name", name);
        if (gmKey is not null) await page.FillAsync("#gm-key", gmKey);
        await page.ClickAsync("#signin");
        await page.WaitForSelectorAsync("#status.online");
        return page;
    }

    private static async Task ActAsync(IPage page, string mode, string text)
    {
        await page.SelectOptionAsync("#mode", mode);
        await page.FillAsync("#command", text);
        await page.ClickAsync("#send");
    }

    /// <summary>Counts every change to the story pane, so a passage arriving piece by piece can be told from one arriving whole.</summary>
    private static Task CountStoryChangesAsync(IPage page) => page.EvaluateAsync(
        "() => { window.__changes = 0; new MutationObserver(m => window.__changes += m.length).observe(document.getElementById('story'), { subtree: true, childList: true, characterData: true }); }");

    [Fact]
    public async Task A_player_joins_acts_and_watches_the_passage_stream_in_as_literal_text()
    {
        var page = await SignInAsync("Ann");
        Assert.Equal("Village Square", await page.TextContentAsync("#room-name"));
        await CountStoryChangesAsync(page);
        await ActAsync(page, "do", "open the door");

        var turn = page.Locator(".turn.kind-do").Last;
        await turn.Locator(".player").WaitForAsync();
        Assert.Equal("> do open the door", await turn.Locator(".player").TextContentAsync());
        await page.WaitForSelectorAsync(".turn.kind-do[data-status=complete]");
        var passage = await turn.Locator(".passage").TextContentAsync();

        // The model's markup is shown as text: no element was made from it, no script ran.
        Assert.Matches("<(img|script)\\b", passage); // the model wrote markup (its exact attributes vary with training)
        Assert.Equal(0, await page.Locator("#story img, #story script").CountAsync());
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__pwned ?? null"));
        // It arrived in pieces: the story pane changed many more times than the handful a whole passage needs.
        Assert.True(await page.EvaluateAsync<int>("() => window.__changes") > 10);
    }

    [Fact]
    public async Task An_XSS_payload_typed_as_input_shows_as_literal_text()
    {
        var page = await SignInAsync("Eve");
        const string payload = "<img src=x onerror=\"window.__pwned=3\"><b>bold</b>";
        await ActAsync(page, "say", payload);
        var player = page.Locator(".turn.kind-say .player").Last;
        await player.WaitForAsync();
        Assert.Equal("> say " + payload, await player.TextContentAsync());
        await page.WaitForSelectorAsync(".turn.kind-say[data-status=complete]");
        Assert.Equal(0, await page.Locator("#story img, #story b, #story script").CountAsync());
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__pwned ?? null"));
    }

    [Fact]
    public async Task A_second_browser_in_the_room_sees_the_first_players_action_and_a_GM_event_reaches_both()
    {
        var first = await SignInAsync("Finn");
        var second = await SignInAsync("Gale");
        await second.WaitForFunctionAsync("() => document.getElementById('present').textContent.includes('Finn')");

        await ActAsync(first, "do", "waves to everyone");
        await second.WaitForSelectorAsync(".others:has-text('Finn: waves to everyone')");

        var gm = await SignInAsync("Morgan", GameServerFixture.GmKeyValue);
        Assert.True(await gm.IsVisibleAsync("#gm-panel"));
        Assert.False(await first.IsVisibleAsync("#gm-panel"));
        await gm.FillAsync("#gm-event", "Thunder shakes the <b>village</b>.");
        await gm.ClickAsync("#gm-event-send");
        foreach (var page in new[] { first, second })
        {
            var world = page.Locator(".turn.kind-world .player");
            await world.Last.WaitForAsync();
            Assert.Equal("⚡ Thunder shakes the <b>village</b>.", await world.Last.TextContentAsync());
            await page.WaitForSelectorAsync(".turn.kind-world[data-status=complete]");
            Assert.Equal(0, await page.Locator("#story b").CountAsync());
        }
        // For people looking at a run: what the page looked like (in the temp folder, never in the repository).
        await second.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "tgg-browser-two-players.png"), FullPage = true });
        await gm.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "tgg-browser-gm.png"), FullPage = true });
    }

    [Fact]
    public async Task The_GM_server_tab_shows_live_figures_that_change_while_passages_are_written_and_players_cannot_read_them()
    {
        var gm = await SignInAsync("Sergei", GameServerFixture.GmKeyValue);
        await gm.ClickAsync("#gm-server summary");
        var completed = gm.Locator("#gm-server-table tr:nth-child(2) td:nth-child(9)");
        await completed.WaitForAsync();
        Assert.Contains("players connected to this front end", await gm.TextContentAsync("#gm-server-summary"));
        int before = int.Parse((await completed.TextContentAsync())!);

        var player = await SignInAsync("Tess");
        for (int i = 0; i < 3; i++)
        {
            await ActAsync(player, "do", "look around the square " + i);
            await player.WaitForSelectorAsync($".turn.kind-do:has-text('look around the square {i}')[data-status=complete]");
        }
        // The table refreshes every 2 s from the silo's reports (every second): the count of written passages grows.
        await gm.WaitForFunctionAsync($"() => Number(document.querySelector('#gm-server-table tr:nth-child(2) td:nth-child(9)').textContent) >= {before + 3}");
        var headers = await gm.Locator("#gm-server-table th").AllTextContentsAsync();
        Assert.Equal(["silo", "generator", "running", "free rows", "queued", "tokens/s", "TTFT p50 ms", "TTFT p99 ms", "completed", "busy", "failed"], headers);
        Assert.NotEqual("-", await gm.Locator("#gm-server-table tr:nth-child(2) td:nth-child(7)").TextContentAsync()); // a time to first token

        // A player has no server tab, and the hub refuses the call if made by hand.
        Assert.False(await player.IsVisibleAsync("#gm-server"));
        var refused = await player.EvaluateAsync<string>("async () => { try { await connection.invoke('GmServer'); return 'served'; } catch (e) { return String(e); } }");
        Assert.Contains("unauthorized", refused, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task After_a_reload_the_page_rejoins_and_shows_the_story_so_far()
    {
        var page = await SignInAsync("Hal");
        await ActAsync(page, "do", "light a candle");
        await page.WaitForSelectorAsync(".turn.kind-do[data-status=complete]");
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("#status.online");
        Assert.Equal("> do light a candle", await page.Locator(".turn.kind-do .player").First.TextContentAsync());
    }
}
