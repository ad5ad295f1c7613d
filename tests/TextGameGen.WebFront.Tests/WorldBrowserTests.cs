using Microsoft.Playwright;

namespace TextGameGen.WebFront.Tests;

/// <summary>Players choose their world on the sign-in page; each world's passages come from its own generator.</summary>
public sealed class WorldBrowserTests(TwoWorldsGameServer server, ChromiumFixture chromium) : IClassFixture<TwoWorldsGameServer>, IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Two_players_in_two_worlds_get_passages_from_each_worlds_generator()
    {
        var inFirst = await PlayAsync("Fern", "first");
        var inSecond = await PlayAsync("Sage", "second");

        Assert.Equal("default", inFirst.Generator);
        Assert.Equal(Path.GetFileName(TestModels.TinyRandom), inFirst.Version);
        Assert.Equal("second", inSecond.Generator);
        Assert.Equal(Path.GetFileName(TestModels.Hostile), inSecond.Version);
    }

    private async Task<(string? Generator, string? Version)> PlayAsync(string name, string world)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Address.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync("/");
        await page.WaitForSelectorAsync($"#world option[value={world}]", new() { State = WaitForSelectorState.Attached });
        await page.FillAsync("#name", name);
        await page.SelectOptionAsync("#world", world);
        Assert.Contains("test world", await page.TextContentAsync("#world-description"));
        await page.ClickAsync("#signin");
        await page.WaitForSelectorAsync("#status.online");
        Assert.Contains($"World {world}", await page.TextContentAsync("#whoami"));

        await page.SelectOptionAsync("#mode", "do");
        await page.FillAsync("#command", "open the gate");
        await page.ClickAsync("#send");
        var turn = page.Locator(".turn.kind-do[data-status=complete]");
        await turn.WaitForAsync();
        var result = (await turn.GetAttributeAsync("data-generator"), await turn.GetAttributeAsync("data-model-version"));
        await context.CloseAsync();
        return result;
    }
}
