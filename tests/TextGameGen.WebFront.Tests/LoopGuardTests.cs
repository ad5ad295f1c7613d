using TextGameGen.Grains.Game;

namespace TextGameGen.WebFront.Tests;

/// <summary>
/// The loop guard on the real path. The model (trained to write one line of markup, sampled greedily with no
/// repetition penalty) falls into the same passage again within a few turns; the guard must catch it.
/// </summary>
public sealed class LoopGuardTests(RepeatingGameServer server) : IClassFixture<RepeatingGameServer>
{
    [Fact]
    public async Task A_passage_that_repeats_the_previous_one_is_written_again_with_a_stronger_penalty()
    {
        await using var p = await TestPlayer.ConnectAsync(server.Address, "Loop");
        await p.JoinAsync();
        var turns = new List<StoryTurn>();
        for (int i = 0; i < 6; i++)
        {
            await p.ActAsync($"l-{i}", "continue");
            turns.Add(await p.PassageAsync($"l-{i}"));
        }
        var caught = turns.Where(t => t.Regenerations > 0).ToList();
        Assert.True(caught.Count > 0, "no repeat was caught: " + string.Join(" | ", turns.Select(t => t.Text)));
        foreach (var t in caught)
        {
            Assert.True(t.Sampler!.RepetitionPenalty > 1f, "the rewrite did not use a stronger penalty");
            // The player saw the passage start again for each rewrite.
            Assert.Equal(t.Regenerations + 1, p.Events.Count(e => e.Kind == PlayerEventKind.PassageStart && e.TurnId == t.Id));
        }
    }
}
