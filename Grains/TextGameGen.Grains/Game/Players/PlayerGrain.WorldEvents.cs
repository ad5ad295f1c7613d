using TextGameGen.Contracts.Tokenization;
using TextGameGen.Grains.Game.Story;

namespace TextGameGen.Grains.Game.Players;

/// <summary>What the world and game masters do to a player: world events narrated in the story, announcements, removal, and catching up on events missed while away.</summary>
public sealed partial class PlayerGrain
{
    public async Task OnWorldEventAsync(WorldEvent worldEvent)
    {
        var id = $"world-{worldEvent.Seq}";
        if (S.Removed || worldEvent.Seq <= S.LastWorldEventSeq || S.Turns.Exists(t => t.Id == id)) return;
        AddRecentEvent(worldEvent);
        var turn = new StoryTurn
        {
            Id = id,
            Kind = TurnKind.World,
            PlayerText = worldEvent.Text,
            At = DateTimeOffset.UtcNow,
            Seq = NextSeq(),
            PromptLine = StoryText.Line(StoryTokens.Action, worldEvent.Text),
            PassageTag = StoryTokens.Action,
            Status = PassageStatus.Pending,
        };
        S.Turns.Add(turn);
        await SaveAsync();
        Notify(new PlayerEvent(PlayerEventKind.WorldEvent, PlayerId, turn.Id, worldEvent.Text, Turn: turn.Clone(), WorldEvent: worldEvent));
        _writer.Kick();
    }

    public async Task OnAnnouncementAsync(WorldEvent announcement)
    {
        var id = $"announcement-{announcement.Seq}";
        if (S.Removed || announcement.Seq <= S.LastWorldEventSeq || S.Turns.Exists(t => t.Id == id)) return;
        S.LastWorldEventSeq = Math.Max(S.LastWorldEventSeq, announcement.Seq);
        var turn = new StoryTurn { Id = id, Kind = TurnKind.Announcement, PlayerText = announcement.Text, Text = announcement.Text, At = DateTimeOffset.UtcNow, Seq = NextSeq() };
        S.Turns.Add(turn);
        await SaveAsync();
        Notify(new PlayerEvent(PlayerEventKind.Announcement, PlayerId, turn.Id, announcement.Text, Turn: turn.Clone(), WorldEvent: announcement));
    }

    public async Task RemoveAsync(string reason)
    {
        S.Removed = true;
        S.RemovedReason = reason;
        await _writer.StopAsync();
        if (CurrentRoom is { } room) await room.LeaveAsync(PlayerId);
        await SaveAsync();
        Notify(new PlayerEvent(PlayerEventKind.Removed, PlayerId, Text: $"You can no longer play in this world: {reason}."));
    }

    /// <summary>World events raised while the player was away join the event list (the story narrates only those it was there for).</summary>
    private void CatchUp(IReadOnlyList<WorldEvent> missed)
    {
        foreach (var e in missed.Where(e => e.Seq > S.LastWorldEventSeq)) AddRecentEvent(e);
    }

    private void AddRecentEvent(WorldEvent e)
    {
        S.RecentEvents.Add(e);
        if (S.RecentEvents.Count > Options.RecentWorldEvents) S.RecentEvents.RemoveRange(0, S.RecentEvents.Count - Options.RecentWorldEvents);
        S.LastWorldEventSeq = Math.Max(S.LastWorldEventSeq, e.Seq);
    }
}
