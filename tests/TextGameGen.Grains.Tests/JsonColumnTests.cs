using Microsoft.Data.Sqlite;
using Orleans.Storage;
using TextGameGen.Grains.Game;
using TextGameGen.Storage;

namespace TextGameGen.Grains.Tests;

/// <summary>
/// SQLite is given a write's JSON as its UTF-8 bytes (no string built per write), and the columns still hold readable
/// text: what other tools and a later read see is the same JSON as before.
/// </summary>
public sealed class JsonColumnTests
{
    private sealed class Held<T>(T state) : IGrainState<T>
    {
        [System.Diagnostics.CodeAnalysis.AllowNull] public T State { get; set; } = state;
        public string? ETag { get; set; }
        public bool RecordExists { get; set; }
    }

    [Fact]
    public async Task State_and_turns_are_stored_as_text_and_read_back_whole()
    {
        await using var temp = new TempGameDatabase("json-column");
        var storage = new SqlGrainStorage(temp.Database);
        var grain = GrainId.Create("player", "ada");
        var state = new Held<PlayerState>(new PlayerState { Name = "Ada «the brave»", Inventory = ["lamp", "rope"], Memory = "She came from the north. 北" });
        await storage.WriteStateAsync("player", grain, state);
        state.State.Quests.Add("Find the well");
        await storage.WriteStateAsync("player", grain, state); // the update path too
        var log = new SqlTurnLog(temp.Database);
        await log.WriteAsync("ada", [new StoryTurn { Id = "t1", Seq = 1, PlayerText = "look — «here»", Text = "A hall. 北" }]);

        await using (var connection = new SqliteConnection($"Data Source={temp.Path}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT typeof(data), data FROM grain_state UNION ALL SELECT typeof(data), data FROM turn_log";
            await using var reader = await command.ExecuteReaderAsync();
            int rows = 0;
            while (await reader.ReadAsync())
            {
                rows++;
                Assert.Equal("text", reader.GetString(0));
                Assert.StartsWith("{", reader.GetString(1));
            }
            Assert.Equal(2, rows);
        }

        var back = new Held<PlayerState>(new PlayerState());
        await storage.ReadStateAsync("player", grain, back);
        Assert.Equal("Ada «the brave»", back.State.Name);
        Assert.Equal(["lamp", "rope"], back.State.Inventory);
        Assert.Equal(["Find the well"], back.State.Quests);
        Assert.Equal("She came from the north. 北", back.State.Memory);
        var turns = await log.ReadBeforeAsync("ada", 2, 10);
        Assert.Equal("look — «here»", Assert.Single(turns).PlayerText);
    }
}
