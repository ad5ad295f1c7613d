using Microsoft.Data.Sqlite;
using TextGameGen.Grains.Game;
using TextGameGen.Grains.Game.Story;

namespace TextGameGen.WebFront.Tests;

/// <summary>
/// A storyteller with no room in its line answers "busy" at once: no prompt is built for a passage it would refuse
/// (no passage start is sent), the answer says to retry, and it is stored without a write of its own: with the
/// player's next write, or a moment later.
/// </summary>
public sealed class BusyAnswerTests(FullLineGameServer server) : IClassFixture<FullLineGameServer>
{
    [Fact]
    public async Task A_full_line_answers_busy_at_once_and_the_answer_is_stored_a_moment_later_or_with_the_next_write()
    {
        await using var p = await TestPlayer.ConnectAsync(server.Address, "Busy");
        await p.JoinAsync();

        Assert.True((await p.ActAsync("b1", "do knock on the door")).Accepted);
        var answered = await p.PassageAsync("b1");
        Assert.Equal(PassageStatus.Failed, answered.Status);
        Assert.Equal(PassageWriter.BusyAnswer, answered.Error);
        Assert.Empty(answered.Text);
        Assert.DoesNotContain(p.Events, e => e.Kind == PlayerEventKind.PassageStart); // no prompt was built for it

        // Stored by the deferred write, within its delay (with room to spare on a slow machine).
        await TestPlayer.Until(() => StoredStatus(p.PlayerId, "b1") == PassageStatus.Failed, "the busy answer stored after its delay", seconds: 30);

        // A second busy answer, then at once a game verb: the verb's write carries the answer too.
        Assert.True((await p.ActAsync("b2", "do knock again")).Accepted);
        await p.PassageAsync("b2");
        Assert.True((await p.ActAsync("b3", "inventory")).Accepted);
        Assert.Equal(PassageStatus.Failed, StoredStatus(p.PlayerId, "b2"));
    }

    /// <summary>The status of a turn as the database holds it now (null: not there).</summary>
    private PassageStatus? StoredStatus(string playerId, string turnId)
    {
        using var connection = new SqliteConnection($"Data Source={server.DatabasePath};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT data FROM grain_state WHERE grain_id LIKE $id AND state_name = 'player'";
        command.Parameters.AddWithValue("$id", "%" + playerId);
        var json = command.ExecuteScalar() as string;
        if (json is null) return null;
        var state = System.Text.Json.JsonSerializer.Deserialize<PlayerState>(json, TextGameGen.Storage.StorageJson.Options)!;
        return state.Turns.FirstOrDefault(t => t.Id == turnId)?.Status;
    }
}
