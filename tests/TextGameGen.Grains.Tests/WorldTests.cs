using TextGameGen.Grains.Game;
using TextGameGen.Grains.Game.World;

namespace TextGameGen.Grains.Tests;

/// <summary>Worlds from definition files, each written by its own generator, reloaded and created by game masters.</summary>
public sealed class WorldTests : IAsyncLifetime
{
    private GameCluster _game = null!;

    public async Task InitializeAsync() => _game = await GameCluster.StartAsync();

    public async Task DisposeAsync() => await _game.DisposeAsync();

    private IPlayerGrain Player(string id) => _game.Grains.GetGrain<IPlayerGrain>(id);

    [Fact]
    public async Task A_world_starts_as_its_file_says_and_its_generator_writes_its_passages()
    {
        var view = await Player("wa").JoinAsync("Wanda", "tale");
        Assert.Equal("gate", view.Room!.Id);
        Assert.Equal("You are a knight.", view.Memory); // the world's memory starts the story
        Assert.Equal("Be brief.", view.AuthorsNote);
        Assert.True((await Player("wa").SubmitAsync("t1", "do knock on the gate")).Accepted);
        await Player("wa").WhenIdleAsync();

        await Player("wb").JoinAsync("Walt", "plain-village"); // no file: the village template, the default generator
        Assert.True((await Player("wb").SubmitAsync("t1", "do knock on the door")).Accepted);
        await Player("wb").WhenIdleAsync();

        var inTale = (await Player("wa").GetViewAsync()).Story.Single();
        var inVillage = (await Player("wb").GetViewAsync()).Story.Single();
        Assert.Equal(("alpha", "alpha-v1"), (inTale.Generator, inTale.ModelVersion));
        Assert.Equal(("default", "test-v1"), (inVillage.Generator, inVillage.ModelVersion));
        Assert.Equal(PassageStatus.Complete, inTale.Status);
    }

    [Fact]
    public async Task A_world_event_reaches_the_players_online_and_the_others_find_it_in_their_event_list_when_they_come_back()
    {
        var world = _game.Grains.GetGrain<IWorldGrain>("crowd");
        await Player("on").JoinAsync("Ona", "crowd");
        await Player("away").JoinAsync("Abe", "crowd");
        await Player("away").GoOfflineAsync();

        var e = await world.RaiseEventAsync("A storm breaks over the hills.", "gm");
        await RecordingObserver.Until(async () => (await Player("on").GetViewAsync()).Story.Any(t => t.Id == $"world-{e.Seq}"), "the event in the online player's story");
        await Player("on").WhenIdleAsync();
        Assert.DoesNotContain((await Player("away").GetViewAsync()).Story, t => t.Kind == TurnKind.World); // not handed to the offline player

        var back = await Player("away").JoinAsync("Abe", "crowd");
        Assert.Contains(back.RecentEvents, x => x.Seq == e.Seq); // in the event list on coming back
        Assert.DoesNotContain(back.Story, t => t.Kind == TurnKind.World);
        Assert.Equal(["Abe", "Ona"], (await world.GetPlayersAsync()).Values.Order());

        // Once back online, the next event is narrated in the story as for everyone present.
        var next = await world.RaiseEventAsync("The storm passes.", "gm");
        await RecordingObserver.Until(async () => (await Player("away").GetViewAsync()).Story.Any(t => t.Id == $"world-{next.Seq}"), "the next event in the returning player's story");
        await Player("away").WhenIdleAsync();
    }

    [Fact]
    public async Task A_reload_applies_the_edited_file_and_a_world_without_one_says_so()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tgg-reload-{Guid.NewGuid():N}");
        var world = _game.Grains.GetGrain<IWorldGrain>("tale");
        await Player("wr").JoinAsync("Rolf", "tale");
        var before = await world.GetDefinitionAsync();
        Assert.Equal("An iron gate.", (await _game.Grains.GetGrain<IRoomGrain>("tale/gate").GetViewAsync()).Description);

        var file = Path.Combine(GameCluster.WorldsRoot, "tale.json");
        string original = File.ReadAllText(file);
        try
        {
            File.WriteAllText(file, original.Replace("An iron gate.", "A rusted gate, hanging from one hinge."));
            var reloaded = await world.ReloadAsync();
            Assert.Equal(before.Generator, reloaded.Generator);
            Assert.Equal("A rusted gate, hanging from one hinge.", (await _game.Grains.GetGrain<IRoomGrain>("tale/gate").GetViewAsync()).Description);
        }
        finally
        {
            File.WriteAllText(file, original);
        }
        var none = await Assert.ThrowsAsync<ArgumentException>(() => _game.Grains.GetGrain<IWorldGrain>("no-file").ReloadAsync());
        Assert.Contains("no definition file", none.Message);
        Assert.False(Directory.Exists(path));
    }

    [Fact]
    public async Task A_GM_creates_a_world_from_a_template_bound_to_another_generator_and_it_is_listed()
    {
        var template = await _game.Grains.GetGrain<IWorldGrain>("default").GetDefinitionAsync();
        var world = _game.Grains.GetGrain<IWorldGrain>("north");
        Assert.True(await world.CreateAsync(template with { Id = "ignored", Title = "The North", Generator = "alpha" }));
        Assert.False(await world.CreateAsync(template with { Title = "Again" }));
        Assert.False(await _game.Grains.GetGrain<IWorldGrain>("tale").CreateAsync(template)); // has a file

        var listed = await _game.Grains.GetGrain<IWorldIndexGrain>(0).ListAsync();
        Assert.Contains(listed, w => w is { Id: "north", Title: "The North", Generator: "alpha" });
        Assert.Contains(listed, w => w.Id == "tale");
        Assert.Contains(listed, w => w.Id == "default");
        Assert.Equal("alpha", (await world.GetStorySettingsAsync()).Generator);
        Assert.Equal("square", (await Player("wn").JoinAsync("Nell", "north")).Room!.Id);
    }

    [Fact]
    public async Task The_books_names_are_kept_out_of_a_world_unless_it_declares_the_books_people_its_own()
    {
        var template = await _game.Grains.GetGrain<IWorldGrain>("default").GetDefinitionAsync();
        Assert.True(await _game.Grains.GetGrain<IWorldGrain>("one-book").CreateAsync(template with { Title = "One Book", BookPeople = true }));
        await Player("bp1").JoinAsync("Bea", "one-book");
        await Player("bp2").JoinAsync("Bo", "default");
        foreach (var id in new[] { "bp1", "bp2" })
        {
            Assert.True((await Player(id).SubmitAsync("t1", "do look around")).Accepted);
            await Player(id).WhenIdleAsync();
        }

        var own = (await Player("bp1").GetViewAsync()).Story.Single().Sampler!;
        var other = (await Player("bp2").GetViewAsync()).Story.Single().Sampler!;
        Assert.Equal(0, own.ForeignNamePenalty);
        Assert.Equal(new GameOptions().ForeignNamePenalty, other.ForeignNamePenalty);
        Assert.Equal("Bo", other.KnownNames[0]);
    }

    [Fact]
    public void A_world_file_that_is_not_a_valid_world_is_an_error_naming_it()
    {
        var folder = Directory.CreateTempSubdirectory("tgg-bad-worlds-").FullName;
        File.WriteAllText(Path.Combine(folder, "lost.json"), """
            { "id": "lost", "title": "Lost", "description": "", "generator": "x", "sampler_preset": null, "start_room": "a", "memory": "", "authors_note": "",
              "rooms": [ { "id": "a", "name": "A", "description": "", "exits": { "north": "nowhere" }, "items": [], "npcs": [] } ] }
            """);
        File.WriteAllText(Path.Combine(folder, "typo.json"), """{ "id": "typo", "titel": "x" }""");
        var files = new WorldFiles(folder);
        Assert.Contains("leads to 'nowhere'", Assert.Throws<InvalidDataException>(() => files.Find("lost")).Message);
        Assert.Contains("typo.json", Assert.Throws<InvalidDataException>(() => files.Find("typo")).Message);
        Assert.Null(files.Find("absent"));
        Directory.Delete(folder, recursive: true);
    }
}
