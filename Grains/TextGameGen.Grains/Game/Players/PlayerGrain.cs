using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using TextGameGen.Contracts.Generation;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Grains.Game.Rules;
using TextGameGen.Grains.Game.Story;

namespace TextGameGen.Grains.Game.Players;

/// <summary>
/// One player's story. A command is parsed, applied by its rule, stored, then acknowledged; a turn whose write fails
/// is rolled back with everything its rule changed. Passages are written afterwards by the <see cref="PassageWriter"/>,
/// streamed to the subscribed front ends and stored when final, so a browser that disconnects mid-passage loses
/// nothing: the page fetches the finished passage when it joins again.
/// </summary>
public sealed partial class PlayerGrain(
    [PersistentState("player", GameStorage.Name)] IPersistentState<PlayerState> state,
    IOptions<GameOptions> options,
    IFeedbackStore feedback,
    ITurnLog turnLog,
    ILogger<PlayerGrain> logger) : Grain, IPlayerGrain, IPassageHost
{
    private static readonly Regex s_turnId = new("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant);

    private OrderedSender _toFrontEnds = null!;
    private FrontEndDelivery _frontEnds = null!;
    private OrderedSender _toRoom = null!;
    private PassageWriter _writer = null!;
    private StoryContextBuilder _contexts = null!;
    private StoryArchive _archive = null!;

    private GameOptions Options => options.Value;
    private PlayerState S => state.State;
    public string PlayerId => this.GetPrimaryKeyString();
    public PlayerState State => state.State;
    public IRoomGrain? CurrentRoom => S.RoomId.Length == 0 ? null : RoomOf(S.RoomId);
    private IGenerationGrain Generation => GrainFactory.GetGrain<IGenerationGrain>(0);
    private IRoomGrain RoomOf(string roomId) => GrainFactory.GetGrain<IRoomGrain>($"{S.WorldId}/{roomId}");

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _toFrontEnds = new OrderedSender(ex => LogNotifyFailed(logger, PlayerId, ex.Message));
        _frontEnds = new FrontEndDelivery(_toFrontEnds);
        _toRoom = new OrderedSender(ex => LogRoomFailed(logger, PlayerId, ex.Message));
        _toFrontEnds.Start();
        _toRoom.Start();
        _contexts = new StoryContextBuilder(new ContextAssembler(StoryTokenizer.Shared), Options.RecentWorldEvents);
        _writer = new PassageWriter(this, Generation, _contexts, Options, logger);
        _archive = new StoryArchive(turnLog, PlayerId, Options.RecentTurns);
        // Passages acknowledged but not finished before a crash or restart are written now.
        if (S.Turns.Any(t => t.Status is PassageStatus.Pending or PassageStatus.Generating)) _writer.Kick();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _writer.StopAsync();
        if (_unsaved) await WriteDeferredAsync(retryLater: false);
        await _archive.Moving;
        await Task.WhenAll(_toFrontEnds.StopAsync(), _toRoom.StopAsync()).WaitAsync(cancellationToken)
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    // ---- joining and viewing ----

    public async Task<PlayerView> JoinAsync(string name, string worldId)
    {
        name = name.Trim();
        if (name.Length == 0 || name.Length > GameLimits.MaxNameChars) throw new ArgumentException($"A name is 1 to {GameLimits.MaxNameChars} characters.");
        if (S.Removed) return await GetViewAsync();
        if (S.WorldId.Length > 0 && S.WorldId != worldId && CurrentRoom is { } oldRoom) await oldRoom.LeaveAsync(PlayerId);
        var world = GrainFactory.GetGrain<IWorldGrain>(worldId);
        var entry = await world.JoinAsync(PlayerId, name, S.WorldId == worldId ? S.LastWorldEventSeq : 0);
        var startRoom = entry.StartRoom;
        if (S.WorldId != worldId) S.LastWorldEventSeq = 0;
        CatchUp(entry.MissedEvents);
        if (S.WorldId != worldId || S.RoomId.Length == 0)
        {
            // A story in a new world starts with the world's memory and author's note (the player may change them).
            var definition = await world.GetDefinitionAsync();
            if (S.Memory.Length == 0) S.Memory = definition.Memory;
            if (S.AuthorsNote.Length == 0) S.AuthorsNote = definition.AuthorsNote;
            S.WorldId = worldId;
            S.RoomId = startRoom;
        }
        S.Name = name;
        await CurrentRoom!.EnterAsync(PlayerId, name, _frontEnds.Observers);
        await SaveAsync();
        if (S.Turns.Any(t => t.Status == PassageStatus.Pending)) _writer.Kick(); // a passage taken out of line when the player left
        return await GetViewAsync();
    }

    public async Task<PlayerView> GetViewAsync()
    {
        RoomView? room = S.Removed || CurrentRoom is not { } r ? null : await r.GetViewAsync();
        return new PlayerView(PlayerId, S.Name, S.WorldId, room, [.. S.Turns.Where(t => !t.Hidden).Select(t => t.Clone())],
            [.. S.Inventory], [.. S.Quests], [.. S.RecentEvents], S.Memory, S.AuthorsNote, S.Removed, S.Turns.Count > 0 ? S.Turns[0].Seq : 0);
    }

    public Task<EarlierStory> GetEarlierStoryAsync(int beforeSeq, int count) => _archive.ReadBeforeAsync(S, beforeSeq, count);

    public async Task GoOfflineAsync()
    {
        _writer.Withdraw();
        if (CurrentRoom is { } room) await room.LeaveAsync(PlayerId);
        if (S.WorldId.Length > 0) await GrainFactory.GetGrain<IWorldGrain>(S.WorldId).LeaveAsync(PlayerId);
    }

    /// <summary>
    /// Listens with a front end and returns once the room knows it (also with every renewal: a room that moved after a
    /// silo died learns who is here again), so every action the room takes after this call reaches the front end. A room
    /// that does not answer within <see cref="RoomAnswerWait"/> (its silo died) holds the player no longer than that.
    /// </summary>
    public async Task SubscribeAsync(IPlayerObserver observer)
    {
        _frontEnds.Listen(observer);
        try
        {
            await TellRoomFrontEnds().WaitAsync(RoomAnswerWait);
        }
        catch (TimeoutException)
        {
            // The room learns it when the call goes through; the front end already gets the player's own events.
        }
    }

    public Task UnsubscribeAsync(IPlayerObserver observer)
    {
        _frontEnds.Stop(observer);
        _ = TellRoomFrontEnds();
        return Task.CompletedTask;
    }

    private static readonly TimeSpan RoomAnswerWait = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Tells the room the front ends the player is connected to (read when the call's turn comes, in order with the
    /// player's actions); completes when the room has been told.
    /// </summary>
    private Task TellRoomFrontEnds()
    {
        if (S.Removed || CurrentRoom is not { } room) return Task.CompletedTask;
        var roomId = S.RoomId;
        return _toRoom.EnqueueAndWaitAsync(() => S.RoomId == roomId && !S.Removed && _frontEnds.Count > 0
            ? room.SetFrontEndsAsync(PlayerId, S.Name, _frontEnds.Observers)
            : Task.CompletedTask);
    }

    public async Task SetMemoryAsync(string memory, string authorsNote)
    {
        if (memory.Length > Options.MaxMemoryChars || authorsNote.Length > Options.MaxMemoryChars)
            throw new ArgumentException($"Memory and author's note are at most {Options.MaxMemoryChars} characters each.");
        S.Memory = memory.Trim();
        S.AuthorsNote = authorsNote.Trim();
        await SaveAsync();
    }

    // ---- turns ----

    public async Task<TurnAck> SubmitAsync(string clientTurnId, string command, IPlayerObserver? observer = null)
    {
        if (observer is not null && _frontEnds.Listen(observer)) _ = TellRoomFrontEnds();
        if (!s_turnId.IsMatch(clientTurnId)) return TurnAck.Refused(clientTurnId, "A turn id is 1 to 64 letters, digits, '-' or '_'.");
        if (S.Removed) return TurnAck.Refused(clientTurnId, $"You can no longer play in this world: {S.RemovedReason}.");
        if (S.WorldId.Length == 0) return TurnAck.Refused(clientTurnId, "Join a world first.");
        if (S.Turns.Find(t => t.Id == clientTurnId) is { } existing)
            return new TurnAck(true, clientTurnId, existing.Seq, Duplicate: true, Turn: existing.Clone());
        if (command.Length > Options.MaxCommandChars)
            return TurnAck.Refused(clientTurnId, $"That is {command.Length} characters; a command is at most {Options.MaxCommandChars}.");
        if (!CommandParser.TryParse(command, out var parsed, out var error)) return TurnAck.Refused(clientTurnId, error);

        var turn = new StoryTurn { Id = clientTurnId, Kind = parsed.Kind, PlayerText = command.Trim(), At = DateTimeOffset.UtcNow };
        var context = new RuleContext(S, turn, new RuleServices(PlayerId, RoomOf, TellRoom, _writer.Stop, () => _frontEnds.Observers));
        if (await parsed.ApplyAsync(context) is { } refusal)
        {
            await context.RollbackAsync();
            return TurnAck.Refused(clientTurnId, refusal);
        }
        turn.Seq = NextSeq();
        S.Turns.Add(turn);
        try
        {
            await SaveAsync();
        }
        catch (Exception ex)
        {
            // Not stored, so not acknowledged: everything the turn did is undone and the player is told to try again.
            S.Turns.Remove(turn);
            await context.RollbackAsync();
            LogTurnNotStored(logger, PlayerId, clientTurnId, ex.Message);
            if (ex is InconsistentStateException) DeactivateOnIdle(); // another activation wrote meanwhile: reload from storage
            return TurnAck.Refused(clientTurnId, "The game could not store your turn just now, so nothing happened; try again in a moment.");
        }
        context.Commit();
        if (turn.Status == PassageStatus.Pending) _writer.Kick();
        if (turn.Status == PassageStatus.Complete) Notify(new PlayerEvent(PlayerEventKind.Turn, PlayerId, turn.Id, Turn: turn.Clone()));
        return new TurnAck(true, clientTurnId, turn.Seq, Turn: turn.Clone());
    }

    private int NextSeq() => S.Turns.Count == 0 ? 1 : S.Turns[^1].Seq + 1;

    /// <summary>Tells the room, in the order the player acted.</summary>
    private void TellRoom(string text)
    {
        if (CurrentRoom is not { } room) return;
        var name = S.Name;
        _toRoom.Enqueue(() => room.ActAsync(PlayerId, name, text));
    }

    // ---- feedback, context and the model test pane ----

    public async Task<PassageFeedback?> RateAsync(string turnId, int rating, string comment)
    {
        if (rating is not (1 or -1)) throw new ArgumentException("A rating is +1 (up) or -1 (down).");
        if (comment.Length > GameLimits.MaxCommentChars) throw new ArgumentException($"A comment is at most {GameLimits.MaxCommentChars} characters.");
        var turn = S.Turns.Find(t => t.Id == turnId && t.HasPassage && t.Status == PassageStatus.Complete);
        if (turn is null) return null;
        turn.Rating = rating;
        await SaveAsync();
        var entry = new PassageFeedback(PlayerId, turn.Id, rating, comment.Trim(), turn.Kind, turn.PassageTag, turn.Text, turn.ModelVersion,
            turn.Sampler, turn.Seed, DateTimeOffset.UtcNow, turn.Generator);
        await feedback.AddAsync(entry);
        return entry;
    }

    public Task<StorySettings> GetStorySettingsAsync() => S.WorldId.Length == 0
        ? Task.FromResult(new StorySettings(Options.Generator, null))
        : GrainFactory.GetGrain<IWorldGrain>(S.WorldId).GetStorySettingsAsync();

    public async Task<ContextView> GetContextAsync()
    {
        var story = await GetStorySettingsAsync();
        var lease = await Generation.LeaseAsync(story.Generator, story.SamplerPreset) ?? throw new InvalidOperationException($"No generator '{story.Generator}' is served.");
        var next = new StoryTurn { Id = "(next)", Kind = TurnKind.Continue, PassageTag = StoryTokens.Action, Seq = int.MaxValue };
        return (await _contexts.BuildAsync(S, CurrentRoom, next, lease.ContextLength, _writer.PassageTokens(lease.ContextLength))).View;
    }

    public async IAsyncEnumerable<GenerationChunk> TestPromptAsync(string prompt, SamplerSettings sampler, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (prompt.Length == 0 || prompt.Length > GameLimits.MaxTestPromptChars)
        {
            yield return GenerationChunk.Ended(GenerationOutcome.Failed, $"A test prompt is 1 to {GameLimits.MaxTestPromptChars} characters.");
            yield break;
        }
        var story = await GetStorySettingsAsync();
        await foreach (var chunk in GenerationStream.GenerateAsync(Generation, story.Generator, prompt, sampler, cancellationToken: cancellationToken))
            yield return chunk;
    }

    public Task WhenIdleAsync() => Task.WhenAll(_writer.WhenIdle, _archive.Moving);

    // ---- plumbing ----

    /// <summary>Queues an event for the player's front ends; they receive this player's events in order (see <see cref="FrontEndDelivery"/>).</summary>
    public void Notify(PlayerEvent e) => _frontEnds.Send(e);

    public void Reload() => DeactivateOnIdle();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Player {Player}: turn {Turn} not stored, refused: {Message}")]
    private static partial void LogTurnNotStored(ILogger logger, string player, string turn, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Player {Player}: could not notify a front end: {Message}")]
    private static partial void LogNotifyFailed(ILogger logger, string player, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Player {Player}: could not tell the room: {Message}")]
    private static partial void LogRoomFailed(ILogger logger, string player, string message);
}
