using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;
using TextGameGen.Inference.Tokenization;

namespace TextGameGen.Grains.Game;

/// <summary>
/// One player's story. A command is validated, stored, then acknowledged; passages are written afterwards, one at a
/// time in turn order, by a background loop on this activation, streamed to the subscribed front ends and stored when
/// final. So a browser that disconnects mid-passage loses nothing: the passage is finished and kept, and the page
/// fetches it when it joins again.
/// </summary>
public sealed partial class PlayerGrain(
    [PersistentState("player", GameStorage.Name)] IPersistentState<PlayerState> state,
    IOptions<GameOptions> options,
    IFeedbackStore feedback,
    ILogger<PlayerGrain> logger) : Grain, IPlayerGrain
{
    private static readonly Regex s_turnId = new("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant);
    private static readonly HashSet<string> s_storyKinds = ["do", "say", "story", "continue", "retry", "talk", "quests", "world"];

    private readonly ObserverManager<IPlayerObserver> _observers = new(TimeSpan.FromMinutes(5), logger);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ContextAssembler _assembler = new(StoryTokenizer.Shared);
    private Task _worker = Task.CompletedTask;
    private (string TurnId, CancellationTokenSource Cancel)? _writing;
    private OrderedSender? _toFrontEnds;
    private readonly StringBuilder _unsentDelta = new();
    private string? _unsentDeltaTurn;
    private long _lastDeltaSent;
    private OrderedSender? _toRoom;

    private GameOptions Options => options.Value;
    private PlayerState S => state.State;
    private string PlayerId => this.GetPrimaryKeyString();
    private IGenerationGrain Generation => GrainFactory.GetGrain<IGenerationGrain>(0);
    private IRoomGrain? Room => S.RoomId.Length == 0 ? null : GrainFactory.GetGrain<IRoomGrain>($"{S.WorldId}/{S.RoomId}");

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _toFrontEnds = new OrderedSender(ex => LogNotifyFailed(logger, PlayerId, ex.Message));
        _toRoom = new OrderedSender(ex => LogRoomFailed(logger, PlayerId, ex.Message));
        _toFrontEnds.Start();
        _toRoom.Start();
        // Passages acknowledged but not finished before a crash or restart are written now.
        if (S.Turns.Any(t => t.Status is PassageStatus.Pending or PassageStatus.Generating)) KickWorker();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_writing is { } w) await w.Cancel.CancelAsync();
        await Task.WhenAll(_toFrontEnds!.StopAsync(), _toRoom!.StopAsync()).WaitAsync(cancellationToken)
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    // ---- joining and viewing ----

    public async Task<PlayerView> JoinAsync(string name, string worldId)
    {
        name = name.Trim();
        if (name.Length is 0 or > 40) throw new ArgumentException("A name is 1 to 40 characters.");
        if (S.Removed) return await GetViewAsync();
        if (S.WorldId.Length > 0 && S.WorldId != worldId && Room is { } oldRoom) await oldRoom.LeaveAsync(PlayerId);
        var world = GrainFactory.GetGrain<IWorldGrain>(worldId);
        var startRoom = await world.JoinAsync(PlayerId, name);
        if (S.WorldId != worldId || S.RoomId.Length == 0)
        {
            S.WorldId = worldId;
            S.RoomId = startRoom;
        }
        S.Name = name;
        await Room!.EnterAsync(PlayerId, name);
        await WriteAsync();
        return await GetViewAsync();
    }

    public async Task<PlayerView> GetViewAsync()
    {
        RoomView? room = S.Removed || Room is null ? null : await Room.GetViewAsync();
        return new PlayerView(PlayerId, S.Name, S.WorldId, room, [.. S.Turns.Where(t => !t.Hidden).Select(t => t.Clone())],
            [.. S.Inventory], [.. S.Quests], [.. S.RecentEvents], S.Memory, S.AuthorsNote, S.Removed);
    }

    public async Task GoOfflineAsync()
    {
        if (Room is { } room) await room.LeaveAsync(PlayerId);
    }

    public Task SubscribeAsync(IPlayerObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IPlayerObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public async Task SetMemoryAsync(string memory, string authorsNote)
    {
        if (memory.Length > Options.MaxMemoryChars || authorsNote.Length > Options.MaxMemoryChars)
            throw new ArgumentException($"Memory and author's note are at most {Options.MaxMemoryChars} characters each.");
        S.Memory = memory.Trim();
        S.AuthorsNote = authorsNote.Trim();
        await WriteAsync();
    }

    // ---- turns ----

    public async Task<TurnAck> SubmitAsync(string clientTurnId, string command)
    {
        if (!s_turnId.IsMatch(clientTurnId)) return TurnAck.Refused(clientTurnId, "A turn id is 1 to 64 letters, digits, '-' or '_'.");
        if (S.Removed) return TurnAck.Refused(clientTurnId, $"You can no longer play in this world: {S.RemovedReason}.");
        if (S.WorldId.Length == 0) return TurnAck.Refused(clientTurnId, "Join a world first.");
        if (S.Turns.Find(t => t.Id == clientTurnId) is { } existing)
            return new TurnAck(true, clientTurnId, existing.Seq, Duplicate: true, Turn: existing.Clone());
        if (command.Length > Options.MaxCommandChars)
            return TurnAck.Refused(clientTurnId, $"That is {command.Length} characters; a command is at most {Options.MaxCommandChars}.");
        if (!GameCommand.TryParse(command, out var cmd, out var error)) return TurnAck.Refused(clientTurnId, error);

        var turn = new StoryTurn { Id = clientTurnId, Kind = cmd.Verb, PlayerText = command.Trim(), At = DateTimeOffset.UtcNow };
        var refusal = await PrepareAsync(turn, cmd.Argument);
        if (refusal is not null) return TurnAck.Refused(clientTurnId, refusal);

        turn.Seq = S.Turns.Count == 0 ? 1 : S.Turns[^1].Seq + 1;
        S.Turns.Add(turn);
        try
        {
            await WriteAsync();
        }
        catch
        {
            S.Turns.Remove(turn);
            throw;
        }
        if (turn.Status == PassageStatus.Pending) KickWorker();
        if (cmd.Verb is "do" or "say" or "story" && Room is { } room) TellRoom(room, cmd.Verb, cmd.Argument);
        if (turn.Status == PassageStatus.Complete) Notify(new PlayerEvent(PlayerEvent.TurnUpdated, PlayerId, turn.Id, Turn: turn.Clone()));
        return new TurnAck(true, clientTurnId, turn.Seq, Turn: turn.Clone());
    }

    /// <summary>Fills in the turn for its verb and applies its effects; returns a refusal to show instead, if any.</summary>
    private async Task<string?> PrepareAsync(StoryTurn turn, string argument)
    {
        switch (turn.Kind)
        {
            case "help":
                turn.Text = GameCommand.Help;
                return null;
            case "do":
                return Passage(turn, StoryText.Line(StoryTokens.Action, StoryText.SecondPerson(argument)), StoryTokens.Action);
            case "say":
                return Passage(turn, StoryText.Line(StoryTokens.Dialogue, StoryText.Quoted(argument)), StoryTokens.Dialogue);
            case "story":
                return Passage(turn, StoryText.Line(StoryTokens.Action, argument), StoryTokens.Action);
            case "continue":
                return Passage(turn, "", StoryTokens.Action);
            case "talk":
            {
                var view = await Room!.GetViewAsync();
                var who = Match(argument, view.Npcs.Concat(view.Present.Where(p => p != S.Name)));
                if (who is null) return $"There is no '{argument}' here to talk to." + (view.Npcs.Count > 0 ? $" Here: {string.Join(", ", view.Npcs)}." : "");
                turn.TargetTurnId = null;
                return Passage(turn, StoryText.Line(StoryTokens.Action, $"You talk to the {who}."), StoryTokens.Dialogue);
            }
            case "quests":
            {
                var view = await Room!.GetViewAsync();
                var giver = view.Npcs.Count > 0 ? view.Npcs[0] : "stranger";
                return Passage(turn, StoryText.Line(StoryTokens.Action, $"You ask the {giver} for work."), StoryTokens.Quest);
            }
            case "retry":
            {
                var target = S.Turns.LastOrDefault(t => !t.Hidden && t.HasPassage);
                if (target is null) return "There is no passage to retry yet.";
                CancelWriting(target.Id);
                target.Hidden = true;
                turn.TargetTurnId = target.Id;
                return Passage(turn, target.PromptLine, target.PassageTag);
            }
            case "undo":
            {
                var target = S.Turns.LastOrDefault(t => !t.Hidden && t.HasPassage && s_storyKinds.Contains(t.Kind) && t.Kind != "world");
                if (target is null) return "There is nothing of yours to undo.";
                CancelWriting(target.Id);
                target.Hidden = true;
                if (target.Kind == "retry" && S.Turns.Find(t => t.Id == target.TargetTurnId) is { } replaced) replaced.Hidden = false;
                turn.TargetTurnId = target.Id;
                turn.Text = $"Taken back: {target.PlayerText}";
                return null;
            }
            case "look":
                turn.Text = Describe(await Room!.GetViewAsync());
                return null;
            case "go":
            {
                var here = await Room!.GetViewAsync();
                var exit = Match(argument, here.Exits.Keys);
                if (exit is null) return $"You can't go '{argument}'. Exits: {string.Join(", ", here.Exits.Keys)}.";
                await Room.LeaveAsync(PlayerId);
                S.RoomId = here.Exits[exit];
                var there = await Room!.EnterAsync(PlayerId, S.Name);
                turn.PromptLine = StoryText.Line(StoryTokens.Action, $"You go {exit} to {there.Name}.");
                turn.Text = Describe(there);
                return null;
            }
            case "take":
            {
                var here = await Room!.GetViewAsync();
                var item = Match(argument, here.Items);
                if (item is null || !await Room.TakeAsync(item)) return $"There is no '{argument}' here." + (here.Items.Count > 0 ? $" You see: {string.Join(", ", here.Items)}." : "");
                S.Inventory.Add(item);
                turn.PromptLine = StoryText.Line(StoryTokens.Action, $"You take the {item}.");
                turn.Text = $"You take the {item}.";
                return null;
            }
            case "drop":
            {
                var item = Match(argument, S.Inventory);
                if (item is null) return $"You don't carry '{argument}'." + (S.Inventory.Count > 0 ? $" You carry: {string.Join(", ", S.Inventory)}." : "");
                S.Inventory.Remove(item);
                await Room!.DropAsync(item);
                turn.PromptLine = StoryText.Line(StoryTokens.Action, $"You drop the {item}.");
                turn.Text = $"You drop the {item}.";
                return null;
            }
            case "inventory":
                turn.Text = S.Inventory.Count == 0 ? "You carry nothing." : $"You carry: {string.Join(", ", S.Inventory)}.";
                return null;
            default:
                return $"'{turn.Kind}' is not handled. {GameCommand.Help}";
        }
    }

    private static string? Passage(StoryTurn turn, string promptLine, string tag)
    {
        turn.PromptLine = promptLine;
        turn.PassageTag = tag;
        turn.Status = PassageStatus.Pending;
        return null;
    }

    private static string? Match(string wanted, IEnumerable<string> choices)
    {
        var w = wanted.Trim();
        if (w.StartsWith("the ", StringComparison.OrdinalIgnoreCase)) w = w[4..];
        var list = choices.ToList();
        return list.Find(c => string.Equals(c, w, StringComparison.OrdinalIgnoreCase))
            ?? list.Find(c => c.StartsWith(w, StringComparison.OrdinalIgnoreCase) && w.Length > 0);
    }

    private static string Describe(RoomView room)
    {
        var sb = new StringBuilder().Append(room.Name).Append(". ").Append(room.Description);
        if (room.Exits.Count > 0) sb.Append(" Exits: ").Append(string.Join(", ", room.Exits.Keys)).Append('.');
        if (room.Items.Count > 0) sb.Append(" You see: ").Append(string.Join(", ", room.Items)).Append('.');
        if (room.Npcs.Count > 0) sb.Append(" Here: ").Append(string.Join(", ", room.Npcs)).Append('.');
        if (room.Present.Count > 0) sb.Append(" Players: ").Append(string.Join(", ", room.Present)).Append('.');
        return sb.ToString();
    }

    /// <summary>Tells the room, in the order the player acted.</summary>
    private void TellRoom(IRoomGrain room, string verb, string argument)
    {
        var text = verb switch
        {
            "say" => $"{S.Name} says {StoryText.Quoted(argument)}",
            "do" => $"{S.Name}: {argument}",
            _ => $"{S.Name} writes: {argument}",
        };
        var name = S.Name;
        _toRoom!.Enqueue(() => room.ActAsync(PlayerId, name, text));
    }

    // ---- world, room and GM calls ----

    public async Task OnWorldEventAsync(WorldEvent worldEvent)
    {
        var id = $"world-{worldEvent.Seq}";
        if (S.Removed || S.Turns.Exists(t => t.Id == id)) return;
        S.RecentEvents.Add(worldEvent);
        if (S.RecentEvents.Count > Options.RecentWorldEvents) S.RecentEvents.RemoveRange(0, S.RecentEvents.Count - Options.RecentWorldEvents);
        var turn = new StoryTurn { Id = id, Kind = "world", PlayerText = worldEvent.Text, At = DateTimeOffset.UtcNow, Seq = S.Turns.Count == 0 ? 1 : S.Turns[^1].Seq + 1 };
        Passage(turn, StoryText.Line(StoryTokens.Action, worldEvent.Text), StoryTokens.Action);
        S.Turns.Add(turn);
        await WriteAsync();
        Notify(new PlayerEvent(PlayerEvent.World, PlayerId, turn.Id, worldEvent.Text, Turn: turn.Clone(), WorldEvent: worldEvent));
        KickWorker();
    }

    public async Task OnAnnouncementAsync(WorldEvent announcement)
    {
        var id = $"announcement-{announcement.Seq}";
        if (S.Removed || S.Turns.Exists(t => t.Id == id)) return;
        var turn = new StoryTurn { Id = id, Kind = "announcement", PlayerText = announcement.Text, Text = announcement.Text, At = DateTimeOffset.UtcNow, Seq = S.Turns.Count == 0 ? 1 : S.Turns[^1].Seq + 1 };
        S.Turns.Add(turn);
        await WriteAsync();
        Notify(new PlayerEvent(PlayerEvent.Announcement, PlayerId, turn.Id, announcement.Text, Turn: turn.Clone(), WorldEvent: announcement));
    }

    public Task OnRoomActivityAsync(RoomActivity activity)
    {
        Notify(new PlayerEvent(PlayerEvent.Room, PlayerId, Text: activity.Text, Activity: activity));
        return Task.CompletedTask;
    }

    public async Task RemoveAsync(string reason)
    {
        S.Removed = true;
        S.RemovedReason = reason;
        if (_writing is { } w) await w.Cancel.CancelAsync();
        if (Room is { } room) await room.LeaveAsync(PlayerId);
        await WriteAsync();
        Notify(new PlayerEvent(PlayerEvent.Removed, PlayerId, Text: $"You can no longer play in this world: {reason}."));
    }

    // ---- feedback, context and the model test pane ----

    public async Task<PassageFeedback?> RateAsync(string turnId, int rating, string comment)
    {
        if (rating is not (1 or -1)) throw new ArgumentException("A rating is +1 (up) or -1 (down).");
        if (comment.Length > 500) throw new ArgumentException("A comment is at most 500 characters.");
        var turn = S.Turns.Find(t => t.Id == turnId && t.HasPassage && t.Status == PassageStatus.Complete);
        if (turn is null) return null;
        turn.Rating = rating;
        await WriteAsync();
        var entry = new PassageFeedback(PlayerId, turn.Id, rating, comment.Trim(), turn.Kind, turn.PassageTag, turn.Text, turn.ModelVersion,
            turn.Sampler, turn.Seed, DateTimeOffset.UtcNow);
        await feedback.AddAsync(entry);
        return entry;
    }

    public async Task<ContextView> GetContextAsync()
    {
        var info = await DescribeGeneratorAsync();
        var next = new StoryTurn { Id = "(next)", Kind = "continue", PassageTag = StoryTokens.Action, Seq = int.MaxValue };
        return await BuildContextAsync(next, info.ContextLength, PassageTokens(info));
    }

    public async IAsyncEnumerable<GenerationChunk> TestPromptAsync(string prompt, StorySampler sampler, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (prompt.Length is 0 or > 4000)
        {
            yield return new GenerationChunk("", 0, "failed", Error: "A test prompt is 1 to 4000 characters.");
            yield break;
        }
        await foreach (var chunk in Generation.GenerateAsync(new GenerationRequest(prompt, sampler, Generator: Options.Generator), cancellationToken))
            yield return chunk;
    }

    public Task WhenIdleAsync() => _worker;

    // ---- writing passages ----

    private void KickWorker()
    {
        if (_worker.IsCompleted) _worker = WritePendingPassagesAsync();
    }

    private async Task WritePendingPassagesAsync()
    {
        await Task.Yield();
        while (!S.Removed && S.Turns.Find(t => t.Status is PassageStatus.Pending or PassageStatus.Generating) is { } turn)
        {
            try
            {
                await WritePassageAsync(turn);
            }
            catch (Exception ex)
            {
                turn.Status = PassageStatus.Failed;
                turn.Error = ex.Message;
                LogPassageFailed(logger, PlayerId, turn.Id, ex.Message);
            }
            finally
            {
                _writing = null;
            }
            try
            {
                await WriteAsync();
            }
            catch (Exception ex)
            {
                LogPassageFailed(logger, PlayerId, turn.Id, "not stored: " + ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1));
                continue;
            }
            Notify(new PlayerEvent(PlayerEvent.PassageEnd, PlayerId, turn.Id, turn.Text, Turn: turn.Clone()));
        }
    }

    private async Task WritePassageAsync(StoryTurn turn)
    {
        if (turn.Hidden)
        {
            turn.Status = PassageStatus.Cancelled;
            return;
        }
        var info = await DescribeGeneratorAsync();
        int passageTokens = PassageTokens(info);
        var context = await BuildContextAsync(turn, info.ContextLength, passageTokens);
        var seed = Random.Shared.Next(1, int.MaxValue);
        // The registry's active preset for this generator, when it has one; else the game's configured settings.
        var sampler = (info.Preset ?? Options.Sampler) with { MaxNewTokens = passageTokens, Seed = seed, StopStrings = [] };
        turn.SamplerPreset = info.PresetVersion;
        var previous = S.Turns.LastOrDefault(t => t.Seq < turn.Seq && !t.Hidden && t.HasPassage && t.Status == PassageStatus.Complete)?.Text ?? "";
        using var cancel = new CancellationTokenSource();
        _writing = (turn.Id, cancel);
        turn.Status = PassageStatus.Generating;
        turn.Regenerations = 0;

        for (int attempt = 0; ; attempt++)
        {
            Notify(new PlayerEvent(PlayerEvent.PassageStart, PlayerId, turn.Id, Turn: turn.Clone()));
            var text = new StringBuilder();
            int tokens = 0;
            GenerationChunk? last = null;
            try
            {
                var request = new GenerationRequest(context.Prompt, sampler, Deadline: Options.PassageDeadline, Generator: Options.Generator,
                    CoalesceInterval: Options.StreamInterval > TimeSpan.Zero ? Options.StreamInterval : null);
                await foreach (var chunk in Generation.GenerateAsync(request, cancel.Token))
                {
                    tokens = chunk.TokenCount; // tokens generated so far
                    if (chunk.Text.Length > 0)
                    {
                        text.Append(chunk.Text);
                        NotifyDelta(turn.Id, chunk.Text);
                    }
                    if (chunk.IsFinal) last = chunk;
                }
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                last = new GenerationChunk("", 0, "cancelled");
            }
            turn.Sampler = sampler;
            turn.Seed = seed;
            turn.ModelVersion = last?.ModelVersion;
            turn.TokenCount = tokens;
            if (last?.Outcome != "completed")
            {
                turn.Status = last?.Outcome == "cancelled" || cancel.IsCancellationRequested ? PassageStatus.Cancelled : PassageStatus.Failed;
                turn.Error = last?.Outcome == "busy" ? "The storyteller is busy; type retry in a moment." : last?.Error ?? last?.Outcome ?? "no answer";
                turn.Text = text.ToString().Trim();
                return;
            }
            var passage = text.ToString().Trim();
            if (attempt < Options.LoopGuardMaxRewrites && LoopGuard.IsRepeat(passage, previous, Options.LoopGuardSimilarity))
            {
                // Nearly the previous passage again: write it anew with a stronger repetition penalty.
                turn.Regenerations++;
                sampler = sampler with { RepetitionPenalty = sampler.RepetitionPenalty + Options.LoopGuardPenaltyStep, Seed = seed + turn.Regenerations };
                continue;
            }
            turn.Text = passage;
            turn.Error = null;
            turn.Status = PassageStatus.Complete;
            if (turn.Kind == "quests" && passage.Length > 0) S.Quests.Add(passage);
            return;
        }
    }

    private void CancelWriting(string turnId)
    {
        if (_writing is { } w && w.TurnId == turnId) w.Cancel.Cancel();
    }

    private async Task<GeneratorInfo> DescribeGeneratorAsync() =>
        await Generation.DescribeAsync(Options.Generator)
        ?? throw new InvalidOperationException($"No generator '{Options.Generator}' is loaded on this silo.");

    private int PassageTokens(GeneratorInfo info) => Math.Max(1, Math.Min(Options.PassageTokens, info.ContextLength / 3));

    /// <summary>The context for <paramref name="turn"/>: memory, world info, the story before it, the author's note, the turn itself.</summary>
    private async Task<ContextView> BuildContextAsync(StoryTurn turn, int contextLength, int passageTokens)
    {
        var world = new List<string>();
        if (Room is { } room)
        {
            var view = await room.GetViewAsync();
            world.Add(StoryText.Line(StoryTokens.Action, $"You are in {view.Name}. {view.Description}"));
            var others = view.Present.Where(p => p != S.Name).Concat(view.Npcs).ToList();
            if (others.Count > 0) world.Add(StoryText.Line(StoryTokens.Action, $"Here with you: {string.Join(", ", others)}."));
        }
        if (S.Inventory.Count > 0) world.Add(StoryText.Line(StoryTokens.Action, $"You carry {string.Join(", ", S.Inventory)}."));
        foreach (var quest in S.Quests.TakeLast(2)) world.Add(StoryText.Line(StoryTokens.Quest, quest));
        foreach (var e in S.RecentEvents.TakeLast(Options.RecentWorldEvents)) world.Add(StoryText.Line(StoryTokens.Action, e.Text));

        var history = S.Turns
            .Where(t => t.Seq < turn.Seq && !t.Hidden && t.Status == PassageStatus.Complete && (t.PromptLine.Length > 0 || t.HasPassage))
            .Select(t => t.PromptLine + (t.HasPassage && t.Text.Length > 0 ? StoryText.Line(t.PassageTag, t.Text) : ""))
            .Where(block => block.Length > 0)
            .ToList();

        return _assembler.Assemble(new ContextInputs(contextLength, passageTokens, S.Memory, S.AuthorsNote, world, history, turn.PromptLine + turn.PassageTag));
    }

    // ---- plumbing ----

    private async Task WriteAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            await state.WriteStateAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Queues a piece of a passage. The first piece goes out at once; later ones are sent at most every
    /// <see cref="GameOptions.StreamInterval"/>, joined together, and pieces that arrive while one waits are added to
    /// it: a passage reaches the browser as a few messages a second rather than one per token, which keeps the server's
    /// message load (and so its acknowledgement times) down when many players are reading at once.
    /// </summary>
    private void NotifyDelta(string turnId, string text)
    {
        if (_unsentDeltaTurn == turnId)
        {
            _unsentDelta.Append(text);
            return;
        }
        _unsentDeltaTurn = turnId;
        _unsentDelta.Clear().Append(text);
        _toFrontEnds!.Enqueue(async () =>
        {
            var wait = Options.StreamInterval - System.Diagnostics.Stopwatch.GetElapsedTime(_lastDeltaSent);
            if (wait > TimeSpan.Zero && _lastDeltaSent != 0) await Task.Delay(wait);
            var e = new PlayerEvent(PlayerEvent.PassageDelta, PlayerId, _unsentDeltaTurn, _unsentDelta.ToString());
            _unsentDeltaTurn = null;
            _lastDeltaSent = System.Diagnostics.Stopwatch.GetTimestamp();
            await _observers.Notify(o => o.OnEventAsync(e));
        });
    }

    /// <summary>Queues an event for every subscribed front end; they receive this player's events in order.</summary>
    private void Notify(PlayerEvent e) => _toFrontEnds!.Enqueue(() => _observers.Notify(o => o.OnEventAsync(e)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Player {Player}: passage for turn {Turn} failed: {Message}")]
    private static partial void LogPassageFailed(ILogger logger, string player, string turn, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Player {Player}: could not notify a front end: {Message}")]
    private static partial void LogNotifyFailed(ILogger logger, string player, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Player {Player}: could not tell the room: {Message}")]
    private static partial void LogRoomFailed(ILogger logger, string player, string message);
}
