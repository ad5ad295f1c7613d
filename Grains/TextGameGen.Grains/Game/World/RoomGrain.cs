using System.Text;
using Microsoft.Extensions.Logging;
using TextGameGen.Contracts.Generation;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Grains.Game.Story;

namespace TextGameGen.Grains.Game.World;

/// <summary>
/// A room: its description (written by the model on the first look when no GM gave one, then kept), exits, items
/// and who is here. Actions in the room get the room's numbers in the order they arrive, and reach the players present
/// through their front ends, one message per front end, in that order (see <see cref="RoomAudience"/>), so the room
/// never waits on a busy player or a slow front end.
/// </summary>
public sealed partial class RoomGrain(
    [PersistentState("room", GameStorage.Name)] IPersistentState<RoomState> state,
    ILogger<RoomGrain> logger) : Grain, IRoomGrain
{
    private RoomAudience _audience = null!;
    private const int DescriptionTokens = 40;
    private long _seq;

    private string RoomId => this.GetPrimaryKeyString().Split('/', 2)[^1];
    private string WorldId => this.GetPrimaryKeyString().Split('/', 2)[0];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _audience = new RoomAudience(this.GetPrimaryKeyString(), why => LogFrontEndCutOff(logger, RoomId, why));
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        await _audience.CloseAsync().WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);

    public async Task ConfigureAsync(RoomSpec spec)
    {
        var s = state.State;
        s.Defined = true;
        s.Name = spec.Name;
        s.Description = spec.Description;
        s.Exits = new Dictionary<string, string>(spec.Exits, StringComparer.OrdinalIgnoreCase);
        s.Items = [.. spec.Items];
        s.Npcs = [.. spec.Npcs];
        await state.WriteStateAsync();
    }

    public async Task DescribeAsync(string description)
    {
        state.State.Description = description;
        state.State.DescriptionModelVersion = null;
        await state.WriteStateAsync();
    }

    public Task<bool> IsDefinedAsync() => Task.FromResult(state.State.Defined);

    public async Task<RoomView> GetViewAsync()
    {
        if (state.State.Description.Length == 0) await WriteDescriptionAsync();
        return View();
    }

    public async Task<RoomView> EnterAsync(string playerId, string name, IReadOnlyList<IPlayerObserver> frontEnds)
    {
        if (_audience.Set(playerId, name, frontEnds)) Tell(playerId, name, $"{name} arrives.");
        return await GetViewAsync();
    }

    public Task SetFrontEndsAsync(string playerId, string name, IReadOnlyList<IPlayerObserver> frontEnds)
    {
        _audience.Set(playerId, name, frontEnds); // a player the room lost (it moved after a silo died) is back, without a fanfare
        return Task.CompletedTask;
    }

    public Task LeaveAsync(string playerId)
    {
        if (_audience.NameOf(playerId) is { } name)
        {
            Tell(playerId, name, $"{name} leaves.");
            _audience.Remove(playerId);
        }
        return Task.CompletedTask;
    }

    public Task<long> ActAsync(string playerId, string name, string text) => Task.FromResult(Tell(playerId, name, text));

    public async Task<bool> TakeAsync(string item)
    {
        int i = state.State.Items.FindIndex(x => string.Equals(x, item, StringComparison.OrdinalIgnoreCase));
        if (i < 0) return false;
        state.State.Items.RemoveAt(i);
        await state.WriteStateAsync();
        return true;
    }

    public async Task DropAsync(string item)
    {
        state.State.Items.Add(item);
        await state.WriteStateAsync();
    }

    private RoomView View()
    {
        var s = state.State;
        var name = s.Name.Length > 0 ? s.Name : TitleFromId(RoomId);
        return new RoomView(RoomId, name, s.Description, new Dictionary<string, string>(s.Exits, StringComparer.OrdinalIgnoreCase),
            [.. s.Items], [.. s.Npcs], [.. _audience.Names.Order(StringComparer.OrdinalIgnoreCase)]);
    }

    private long Tell(string actorId, string actorName, string text)
    {
        var activity = new RoomActivity(RoomId, ++_seq, actorId, actorName, text);
        _audience.Tell(activity);
        return activity.Seq;
    }

    /// <summary>The model writes the room's description once; it is stored and every later visitor reads the same.</summary>
    private async Task WriteDescriptionAsync()
    {
        var name = View().Name;
        var prompt = StoryText.Line(StoryTokens.Action, $"You are in {name}.") + StoryTokens.Action;
        var sampler = new SamplerSettings { Temperature = 0.7f, TopK = 40, TopP = 0.95f, RepetitionPenalty = 1.2f, MaxNewTokens = DescriptionTokens, StopAtSentenceEndAfter = DescriptionTokens / 2, SentenceEndPush = new GameOptions().SentenceEndPush, Seed = StableSeed(this.GetPrimaryKeyString()) };
        var text = new StringBuilder();
        string? version = null;
        FinishReason? finish = null;
        var story = await GrainFactory.GetGrain<IWorldGrain>(WorldId).GetStorySettingsAsync();
        await foreach (var chunk in GenerationStream.GenerateAsync(GrainFactory.GetGrain<IGenerationGrain>(0), story.Generator, prompt, sampler,
            leased: lease => version = $"{lease.Generator} {lease.Version}"))
        {
            text.Append(chunk.Text);
            if (chunk.IsFinal) finish = chunk.Finish;
            if (chunk.IsFinal && chunk.Outcome != GenerationOutcome.Completed) LogDescriptionFailed(logger, RoomId, chunk.Outcome!.Value, chunk.Error ?? "");
        }
        var description = PassageText.Finish(text.ToString(), finish);
        if (description.Length == 0) return; // tried again on the next look
        state.State.Description = description;
        state.State.DescriptionModelVersion = version;
        await state.WriteStateAsync();
    }

    private static string TitleFromId(string id) =>
        string.Join(' ', id.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    private static int StableSeed(string key)
    {
        uint h = 2166136261;
        foreach (char c in key) h = (h ^ c) * 16777619;
        return (int)(h & 0x7fffffff);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room}: a front end was cut off ({Why}); its players come back with their next renewal")]
    private static partial void LogFrontEndCutOff(ILogger logger, string room, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room}: no description written ({Outcome}: {Error})")]
    private static partial void LogDescriptionFailed(ILogger logger, string room, GenerationOutcome outcome, string error);
}
