using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using TextGameGen.Grains.Game;

namespace TextGameGen.Grains.Tests;

/// <summary>Player, world and room grains on a real silo with SQLite storage and the tiny model.</summary>
public sealed class GameGrainTests : IAsyncLifetime
{
    private GameCluster _game = null!;

    public async Task InitializeAsync() => _game = await GameCluster.StartAsync();

    public async Task DisposeAsync() => await _game.DisposeAsync();

    private IPlayerGrain Player(string id) => _game.Grains.GetGrain<IPlayerGrain>(id);

    private async Task<IPlayerGrain> Join(string id, string name, string world = "w1")
    {
        var p = Player(id);
        await p.JoinAsync(name, world);
        return p;
    }

    [Fact]
    public async Task A_turn_is_stored_before_it_is_acknowledged_and_the_same_turn_id_is_applied_once()
    {
        var p = await Join("alice", "Alice");
        var ack = await p.SubmitAsync("t-1", "do open the door");
        Assert.True(ack.Accepted, ack.Error);
        Assert.Equal(1, ack.Seq);
        Assert.Contains("t-1", await StoredStateOf("alice")); // in the database when the acknowledgement came

        var again = await p.SubmitAsync("t-1", "do open the door");
        Assert.True(again.Duplicate);
        Assert.Equal(ack.Seq, again.Seq);

        await p.WhenIdleAsync();
        var story = (await p.GetViewAsync()).Story;
        var turn = Assert.Single(story);
        Assert.Equal(PassageStatus.Complete, turn.Status);
        Assert.Equal("test-v1", turn.ModelVersion);
        Assert.Equal("default", turn.Generator);
        Assert.NotNull(turn.Seed);
        Assert.Equal("<|action|>", turn.PassageTag);
        var stored = System.Text.Json.JsonSerializer.Deserialize<PlayerState>(await StoredStateOf("alice"), TextGameGen.Storage.StorageJson.Options)!;
        Assert.Equal(turn.Text, stored.Turns.Single().Text); // the finished passage is stored too
    }

    [Fact]
    public async Task A_passage_finished_while_no_front_end_listened_reaches_the_first_one_that_subscribes()
    {
        // As after a silo died: the player's new activation writes the acknowledged passage before any front end has
        // subscribed to it again (the relay renews every 15 s). The end must not be lost on the way.
        var p = await Join("nobody-listening", "Nell");
        Assert.True((await p.SubmitAsync("t-1", "do open the door")).Accepted);
        await p.WhenIdleAsync();
        var heard = new RecordingObserver();
        await p.SubscribeAsync(_game.Cluster.Client.CreateObjectReference<IPlayerObserver>(heard));
        await RecordingObserver.Until(() => heard.Events.Any(e => e.Kind == PlayerEventKind.PassageEnd), "the passage's end replayed to the new subscriber");
        var end = heard.Events.Single(e => e.Kind == PlayerEventKind.PassageEnd);
        Assert.Equal("t-1", end.TurnId);
        Assert.Equal(PassageStatus.Complete, end.Turn!.Status);
        Assert.DoesNotContain(heard.Events, e => e.Kind == PlayerEventKind.PassageDelta); // the end carries the whole text

        // Once heard, events are not replayed to a second subscriber.
        var later = new RecordingObserver();
        await p.SubscribeAsync(_game.Cluster.Client.CreateObjectReference<IPlayerObserver>(later));
        Assert.True((await p.SubmitAsync("t-2", "do close the door")).Accepted);
        await p.WhenIdleAsync();
        await RecordingObserver.Until(() => later.Events.Any(e => e.Kind == PlayerEventKind.PassageEnd), "the next passage's end");
        Assert.DoesNotContain(later.Events, e => e.TurnId == "t-1");
    }

    [Fact]
    public async Task Unknown_and_malformed_commands_get_a_helpful_answer_and_store_nothing()
    {
        var p = await Join("bob", "Bob");
        var unknown = await p.SubmitAsync("t-1", "dance wildly");
        Assert.False(unknown.Accepted);
        Assert.Contains("Unknown command 'dance'", unknown.Error);
        Assert.Contains("do <action>", unknown.Error);
        var incomplete = await p.SubmitAsync("t-2", "go");
        Assert.False(incomplete.Accepted);
        Assert.Contains("'go' needs more", incomplete.Error);
        var badId = await p.SubmitAsync("bad id!", "look");
        Assert.False(badId.Accepted);
        var tooLong = await p.SubmitAsync("t-3", "say " + new string('a', 600));
        Assert.False(tooLong.Accepted);
        Assert.Contains("at most 500", tooLong.Error);
        var nowhere = await p.SubmitAsync("t-4", "go sideways");
        Assert.False(nowhere.Accepted);
        Assert.Contains("Exits: north, east, south", nowhere.Error);
        Assert.Empty((await p.GetViewAsync()).Story);
    }

    [Fact]
    public async Task Game_verbs_move_the_player_and_the_items()
    {
        var p = await Join("cara", "Cara");
        Assert.True((await p.SubmitAsync("t1", "take lantern")).Accepted);
        var view = await p.GetViewAsync();
        Assert.Contains("lantern", view.Inventory);
        Assert.DoesNotContain("lantern", view.Room!.Items);
        Assert.False((await p.SubmitAsync("t2", "take lantern")).Accepted); // gone
        Assert.True((await p.SubmitAsync("t3", "go east")).Accepted);
        view = await p.GetViewAsync();
        Assert.Equal("tavern", view.Room!.Id);
        Assert.Contains("Cara", view.Room.Present);
        Assert.True((await p.SubmitAsync("t4", "drop lantern")).Accepted);
        Assert.Contains("lantern", (await p.GetViewAsync()).Room!.Items);
        var inv = await p.SubmitAsync("t5", "inventory");
        Assert.Equal("You carry nothing.", inv.Turn!.Text);
        var look = await p.SubmitAsync("t6", "look");
        Assert.StartsWith("The Prancing Goat.", look.Turn!.Text);
        Assert.True((await p.SubmitAsync("t7", "talk innkeeper")).Accepted);
        Assert.True((await p.SubmitAsync("t8", "quests")).Accepted);
        await p.WhenIdleAsync();
        var story = (await p.GetViewAsync()).Story;
        Assert.Equal("<|dialogue|>", story.Single(t => t.Id == "t7").PassageTag);
        Assert.Equal("<|quest|>", story.Single(t => t.Id == "t8").PassageTag);
    }

    [Fact]
    public async Task Retry_replaces_the_last_passage_and_undo_takes_it_back()
    {
        var p = await Join("dan", "Dan");
        await p.SubmitAsync("t1", "do light a fire");
        await p.WhenIdleAsync();
        await p.SubmitAsync("t2", "retry");
        await p.WhenIdleAsync();
        var story = (await p.GetViewAsync()).Story;
        Assert.Equal(["t2"], story.Select(t => t.Id));
        Assert.Equal("t1", story[0].TargetTurnId);
        Assert.Equal(PassageStatus.Complete, story[0].Status);

        var undo = await p.SubmitAsync("t3", "undo");
        Assert.True(undo.Accepted);
        story = (await p.GetViewAsync()).Story;
        Assert.Equal(["t1", "t3"], story.Select(t => t.Id)); // the retried passage is back, the undo is noted
        var retryAfterUndo = await p.SubmitAsync("t4", "retry");
        Assert.True(retryAfterUndo.Accepted, retryAfterUndo.Error);
        Assert.Equal("t1", retryAfterUndo.Turn!.TargetTurnId); // the passage back in the story is the one retried
        await p.WhenIdleAsync();
    }

    [Fact]
    public async Task The_context_never_exceeds_the_budget_and_its_sections_add_up()
    {
        var p = await Join("erin", "Erin");
        await p.SetMemoryAsync(string.Join(' ', Enumerable.Repeat("Erin is a knight sworn to the old queen.", 20)), "Write in a grim style, with many details.");
        for (int i = 0; i < 6; i++)
            Assert.True((await p.SubmitAsync($"t{i}", "story " + string.Join(' ', Enumerable.Repeat($"The rain fell on the towers of the city {i}.", 10)))).Accepted);
        await p.SubmitAsync("take", "take rope");
        await p.WhenIdleAsync();
        var context = await p.GetContextAsync();
        Assert.Equal(128, context.ContextLength);
        Assert.True(context.TotalTokens <= context.Budget, $"{context.TotalTokens} > {context.Budget}");
        Assert.Equal(context.Budget, context.ContextLength - context.PassageTokens);
        Assert.Equal(context.TotalTokens, context.Sections.Sum(s => s.Tokens));
        Assert.Contains(context.Sections, s => s.Name.StartsWith("memory") && s.Tokens > 0);
        Assert.Contains(context.Sections, s => s.Name.StartsWith("history") && s.Tokens > 0);
        Assert.EndsWith("<|action|>", context.Prompt);
    }

    [Fact]
    public async Task A_world_event_reaches_every_player_in_the_world_and_each_gets_a_passage()
    {
        var ids = new[] { "p1", "p2", "p3", "p4" };
        foreach (var id in ids) await Join(id, id.ToUpperInvariant(), "w-event");
        await Join("elsewhere", "Other", "w-other");
        var world = _game.Grains.GetGrain<IWorldGrain>("w-event");
        var e = await world.RaiseEventAsync("A dragon lands in the square.", "gm");
        Assert.Equal(1, e.Seq);
        foreach (var id in ids)
        {
            await RecordingObserver.Until(() => Player(id).GetViewAsync().Result.Story.Any(t => t.Id == "world-1"), $"{id} got the event");
            await Player(id).WhenIdleAsync();
            var turn = (await Player(id).GetViewAsync()).Story.Single(t => t.Id == "world-1");
            Assert.Equal("A dragon lands in the square.", turn.PlayerText);
            Assert.Equal(PassageStatus.Complete, turn.Status);
        }
        Assert.DoesNotContain((await Player("elsewhere").GetViewAsync()).Story, t => t.Kind == TurnKind.World);
        Assert.Single(await world.GetRecentEventsAsync(10));
    }

    [Fact]
    public async Task Room_actions_reach_the_others_present_in_the_order_the_room_took_them()
    {
        var a = await Join("ra", "Ann", "w-room");
        await Join("rb", "Ben", "w-room");
        var c = await Join("rc", "Cid", "w-room");
        var seenByB = new RecordingObserver();
        var seenByC = new RecordingObserver();
        await Player("rb").SubscribeAsync(_game.Cluster.Client.CreateObjectReference<IPlayerObserver>(seenByB));
        await Player("rc").SubscribeAsync(_game.Cluster.Client.CreateObjectReference<IPlayerObserver>(seenByC));

        for (int i = 0; i < 8; i++) Assert.True((await a.SubmitAsync($"a{i}", $"say line {i}")).Accepted);
        for (int i = 0; i < 4; i++) Assert.True((await c.SubmitAsync($"c{i}", $"do wave {i}")).Accepted);

        await RecordingObserver.Until(() => seenByB.Events.Count(e => e.Kind == PlayerEventKind.Room) >= 12, "Ben saw 12 room actions");
        var room = seenByB.Events.Where(e => e.Kind == PlayerEventKind.Room).SelectMany(e => e.Activities!).ToList();
        Assert.Equal(room.Select(r => r.Seq).Order(), room.Select(r => r.Seq)); // delivered in the room's order
        var fromAnn = room.Where(r => r.ActorName == "Ann").Select(r => r.Text).ToList();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"Ann says \"line {i}.\""), fromAnn);
        Assert.DoesNotContain(seenByC.Events, e => e.Kind == PlayerEventKind.Room && e.Activities!.Any(a => a.ActorName == "Cid")); // not told of their own
        await a.WhenIdleAsync();
        await c.WhenIdleAsync();
    }

    [Fact]
    public async Task A_subscribed_front_end_gets_the_passage_as_it_is_written()
    {
        var p = await Join("sf", "Sam");
        var seen = new RecordingObserver();
        await p.SubscribeAsync(_game.Cluster.Client.CreateObjectReference<IPlayerObserver>(seen));
        await p.SubmitAsync("t1", "continue");
        await RecordingObserver.Until(() => seen.Events.Any(e => e.Kind == PlayerEventKind.PassageEnd), "the passage ended");
        var deltas = string.Concat(seen.Events.Where(e => e.Kind == PlayerEventKind.PassageDelta && e.TurnId == "t1").Select(e => e.Text));
        var end = seen.Events.Single(e => e.Kind == PlayerEventKind.PassageEnd);
        // The kept passage is the streamed text ended at a sentence (or a whole word): a part of what streamed.
        Assert.NotEmpty(end.Turn!.Text);
        Assert.Contains(end.Turn.Text.TrimEnd('"'), deltas);
    }

    [Fact]
    public async Task A_rating_is_stored_with_model_version_sampler_and_seed()
    {
        var p = await Join("fb", "Fay");
        await p.SubmitAsync("t1", "do sing");
        await p.WhenIdleAsync();
        var fb = await p.RateAsync("t1", 1, "lovely");
        Assert.NotNull(fb);
        await using var db = new SqliteConnection($"Data Source={_game.DatabasePath}");
        await db.OpenAsync();
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT rating, comment, model_version, seed, sampler FROM feedback WHERE player_id = 'fb'";
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal(1, r.GetInt32(0));
        Assert.Equal("lovely", r.GetString(1));
        Assert.Equal("test-v1", r.GetString(2));
        Assert.Equal(fb!.Seed, r.GetInt32(3));
        Assert.Contains("temperature", r.GetString(4));
        Assert.Null(await p.RateAsync("no-such-turn", 1, ""));
        await Assert.ThrowsAsync<ArgumentException>(() => p.RateAsync("t1", 5, ""));
    }

    [Fact]
    public async Task A_removed_player_can_no_longer_act()
    {
        var p = await Join("rm", "Rex", "w-rm");
        Assert.True(await _game.Grains.GetGrain<IWorldGrain>("w-rm").RemovePlayerAsync("rm", "gm"));
        var ack = await p.SubmitAsync("t1", "look");
        Assert.False(ack.Accepted);
        Assert.Contains("removed from the world by gm", ack.Error);
    }

    [Fact]
    public async Task A_sampler_preset_activated_on_the_server_is_used_for_the_next_passage_and_recorded()
    {
        var silo = Assert.IsType<Orleans.TestingHost.InProcessSiloHandle>(_game.Cluster.Primary);
        var catalog = silo.ServiceProvider.GetRequiredService<TextGameGen.Silo.Generation.GeneratorCatalog>();
        var p = await Join("preset", "Pru");
        await p.SubmitAsync("t1", "do wait");
        await p.WhenIdleAsync();
        Assert.Null((await p.GetViewAsync()).Story[0].SamplerPreset);

        catalog.SetPreset(GeneratorLease.DefaultGenerator, "p7", new TextGameGen.Contracts.Sampling.SamplerSettings { Temperature = 0.31f, TopK = 7, TopP = 0.5f, RepetitionPenalty = 1.3f, RepetitionPenaltyRange = 32 });
        try
        {
            await p.SubmitAsync("t2", "do wait again");
            await p.WhenIdleAsync();
            var turn = (await p.GetViewAsync()).Story.Single(t => t.Id == "t2");
            Assert.Equal("p7", turn.SamplerPreset);
            Assert.Equal(0.31f, turn.Sampler!.Temperature);
            Assert.Equal(7, turn.Sampler.TopK);
            // The game's passage rules still apply over a preset: end at a sentence after the minimum, pushed towards one.
            Assert.InRange(turn.Sampler.StopAtSentenceEndAfter, 1, new GameOptions().MinPassageTokens);
            Assert.Equal(new GameOptions().SentenceEndPush, turn.Sampler.SentenceEndPush);
            // And the books' names stay out, but for those the context gives: the player's first.
            Assert.Equal(new GameOptions().ForeignNamePenalty, turn.Sampler.ForeignNamePenalty);
            Assert.Equal("Pru", turn.Sampler.KnownNames[0]);
        }
        finally
        {
            catalog.SetPreset(GeneratorLease.DefaultGenerator, null, null);
        }
    }

    private Task<string> StoredStateOf(string playerId) => GameCluster.StoredStateOf(_game.DatabasePath, playerId);
}
