using Microsoft.Extensions.Logging;
using TextGameGen.Contracts.Generation;
using TextGameGen.Contracts.Sampling;

namespace TextGameGen.Grains.Game.Story;

/// <summary>What a <see cref="PassageWriter"/> needs from the player grain it works for.</summary>
public interface IPassageHost
{
    string PlayerId { get; }
    PlayerState State { get; }
    IRoomGrain? CurrentRoom { get; }

    /// <summary>Stores the player's state.</summary>
    Task SaveAsync();

    /// <summary>The state changed in a way that can wait: stored with the next write, or after <see cref="GameOptions.BusyAnswerWriteDelay"/>.</summary>
    void SaveSoon();

    /// <summary>The generator and sampler preset of the player's world.</summary>
    Task<StorySettings> GetStorySettingsAsync();

    /// <summary>Queues an event for the player's front ends (delivered in order).</summary>
    void Notify(PlayerEvent e);

    /// <summary>Drops this activation so the next call reads the player from storage again.</summary>
    void Reload();
}

/// <summary>
/// Writes a player's passages one at a time, in turn order, in a background loop on the player's activation: leases
/// the generator, builds the context, streams the pieces to the front ends as they come, has a passage that nearly
/// repeats the previous one written again with a stronger repetition penalty (the loop guard), and stores the
/// finished turn (a "busy" answer is stored with the player's next write). A passage whose silo died on the way is written again on another one (twice at most). A passage whose
/// write fails is tried again; its end is sent only once it is stored. While a passage waits for the storyteller the
/// player is told their place in line; a passage still waiting when the player leaves is taken out of the line and
/// stays pending, written when they come back (<see cref="Withdraw"/>).
/// </summary>
public sealed partial class PassageWriter(IPassageHost host, IGenerationGrain generation, StoryContextBuilder contexts, GameOptions options, ILogger logger)
{
    private static readonly TimeSpan StoreRetryDelay = TimeSpan.FromSeconds(1);
    /// <summary>Times a passage whose silo died is written again elsewhere before it ends failed (with retry offered).</summary>
    private const int MaxLostRewrites = 2;

    /// <summary>What a passage the storyteller had no room for says (the page offers to retry).</summary>
    public const string BusyAnswer = "The storyteller is busy; type retry in a moment.";
    /// <summary>How long a passage waits, at most, for grains lost with a silo to come back elsewhere (30 x 1 s).</summary>
    private const int MaxClusterWaits = 30;
    private static readonly TimeSpan ClusterWaitPause = TimeSpan.FromSeconds(1);

    private Task _worker = Task.CompletedTask;
    private (string TurnId, CancellationTokenSource Cancel)? _writing;
    /// <summary>The passage being written is still waiting in the storyteller's line (no token yet).</summary>
    private bool _inLine;
    private bool _withdrawn;

    /// <summary>Completes when no passage is pending or being written.</summary>
    public Task WhenIdle => _worker;

    /// <summary>Starts the loop unless it runs (call from the grain's own context).</summary>
    public void Kick()
    {
        if (_worker.IsCompleted) _worker = WritePendingAsync();
    }

    /// <summary>Stops writing <paramref name="turnId"/>'s passage, if it is the one being written.</summary>
    public void Stop(string turnId)
    {
        if (_writing is { } w && w.TurnId == turnId) w.Cancel.Cancel();
    }

    /// <summary>
    /// The player left: a passage still waiting in line leaves it (freeing the storyteller for those present) and stays
    /// pending; <see cref="Kick"/> when the player is back writes it. A passage already being written is finished.
    /// </summary>
    public void Withdraw()
    {
        if (_writing is not { } w || !_inLine) return;
        _withdrawn = true;
        w.Cancel.Cancel();
    }

    /// <summary>Stops the passage being written, whichever it is.</summary>
    public async Task StopAsync()
    {
        if (_writing is { } w) await w.Cancel.CancelAsync();
    }

    /// <summary>Tokens per passage: the configured number, at most a third of the context so history still fits.</summary>
    public int PassageTokens(int contextLength) => Math.Max(1, Math.Min(options.PassageTokens, contextLength / 3));

    private async Task WritePendingAsync()
    {
        await Task.Yield();
        var state = host.State;
        int clusterWaits = 0;
        while (!state.Removed && state.Turns.Find(t => t.Status is PassageStatus.Pending or PassageStatus.Generating) is { } turn)
        {
            try
            {
                await WriteAsync(turn);
                if (_withdrawn)
                {
                    _withdrawn = false;
                    (turn.Status, turn.Error, turn.Text) = (PassageStatus.Pending, null, "");
                    return; // out of line until the player is back
                }
            }
            catch (Exception ex) when (SiloLoss.Is(ex) && ++clusterWaits <= MaxClusterWaits)
            {
                // A grain the passage needs (the world, the room) was on a silo that just died: the cluster moves it
                // within seconds of voting the silo dead; the passage waits for that instead of failing.
                _writing = null;
                if (clusterWaits == 1) LogPassageFailed(logger, host.PlayerId, turn.Id, "waiting for the cluster after a silo loss: " + ex.Message);
                await Task.Delay(ClusterWaitPause);
                continue;
            }
            catch (Exception ex)
            {
                turn.Status = PassageStatus.Failed;
                turn.Error = ex.Message;
                LogPassageFailed(logger, host.PlayerId, turn.Id, ex.Message);
            }
            finally
            {
                _writing = null;
            }
            clusterWaits = 0;
            if (turn is { Status: PassageStatus.Failed, Error: BusyAnswer }) host.SaveSoon(); // nothing written that a retry would miss
            else if (!await StoreAsync(turn)) return;
            host.Notify(new PlayerEvent(PlayerEventKind.PassageEnd, host.PlayerId, turn.Id, turn.Text, Turn: turn.Clone()));
        }
    }

    private async Task WriteAsync(StoryTurn turn)
    {
        if (turn.Hidden)
        {
            turn.Status = PassageStatus.Cancelled;
            return;
        }
        using var cancel = new CancellationTokenSource();
        _writing = (turn.Id, cancel);
        turn.Status = PassageStatus.Generating;
        turn.Regenerations = 0;
        var previous = host.State.Turns.LastOrDefault(t => t.Seq < turn.Seq && !t.Hidden && t.HasPassage && t.Status == PassageStatus.Complete)?.Text ?? "";
        int seed = Random.Shared.Next(1, int.MaxValue);
        SamplerSettings? sampler = null;
        AssembledContext? context = null;
        int lost = 0;
        for (int attempt = 0; ; attempt++)
        {
            var story = await host.GetStorySettingsAsync();
            var lease = await generation.LeaseAsync(story.Generator, story.SamplerPreset)
                ?? throw new InvalidOperationException($"No generator '{story.Generator}' is served; this world's passages cannot be written now.");
            if (lease.QueueFull)
            {
                // The storyteller's line is full: answered busy at once, without building a prompt it would refuse
                // (on a saturated server most passages end so; their prompts were most of the game's own work).
                (turn.Generator, turn.ModelVersion, turn.SamplerPreset) = (lease.Generator, lease.Version, lease.PresetVersion);
                turn.Status = PassageStatus.Failed;
                turn.Error = BusyAnswer;
                turn.Text = "";
                return;
            }
            int passageTokens = PassageTokens(lease.ContextLength);
            if (context is null || context.View.ContextLength != lease.ContextLength)
                context = await contexts.BuildAsync(host.State, host.CurrentRoom, turn, lease.ContextLength, passageTokens);
            // The registry's active preset for this generator, when it has one; else the game's configured settings.
            sampler ??= (lease.Preset ?? options.Sampler) with
            {
                MaxNewTokens = passageTokens, Seed = seed, StopStrings = [], StopAtSentenceEndAfter = Math.Min(options.MinPassageTokens, passageTokens - 1),
                SentenceEndPush = options.SentenceEndPush,
                ForeignNamePenalty = story.BookPeople ? 0 : options.ForeignNamePenalty, KnownNames = ContextNames.From(host.State.Name, context.View.Prompt),
            };
            turn.Sampler = sampler;
            turn.Seed = sampler.Seed;
            turn.SamplerPreset = lease.PresetVersion;
            turn.Generator = lease.Generator;
            turn.ModelVersion = lease.Version;
            host.Notify(new PlayerEvent(PlayerEventKind.PassageStart, host.PlayerId, turn.Id, Turn: turn.Clone()));

            var priority = turn.Kind == TurnKind.World ? GenerationPriority.WorldEvent : GenerationPriority.Interactive;
            var (text, tokens, last) = await StreamAsync(turn.Id, new GenerationRequest(lease, context.Prompt, sampler, priority,
                options.PassageDeadline, options.StreamInterval > TimeSpan.Zero ? options.StreamInterval : null, host.PlayerId), cancel);
            if (_withdrawn) return;
            turn.TokenCount = tokens;
            if (last.Outcome == GenerationOutcome.Lost && ++lost <= MaxLostRewrites)
            {
                // The silo writing it died: written again from the start on another one (the page clears the passage
                // on the next start). The seed stays, so the same sampler settings apply.
                LogPassageFailed(logger, host.PlayerId, turn.Id, "writing it again elsewhere: " + last.Error);
                attempt--;
                continue;
            }
            if (last.Outcome != GenerationOutcome.Completed)
            {
                turn.Status = last.Outcome == GenerationOutcome.Cancelled || cancel.IsCancellationRequested ? PassageStatus.Cancelled : PassageStatus.Failed;
                turn.Error = last.Outcome == GenerationOutcome.Busy ? BusyAnswer : last.Error ?? last.Outcome.ToString();
                turn.Text = text.Trim();
                return;
            }
            var passage = PassageText.Finish(text, last.Finish);
            if (attempt < options.LoopGuardMaxRewrites && passage.Length == 0)
            {
                // Nothing left once finished (a stray quote, punctuation only): written anew with the next seed.
                turn.Regenerations++;
                sampler = sampler with { Seed = seed + turn.Regenerations };
                continue;
            }
            if (attempt < options.LoopGuardMaxRewrites && LoopGuard.IsRepeat(passage, previous, options.LoopGuardSimilarity))
            {
                // Nearly the previous passage again: write it anew with a stronger repetition penalty.
                turn.Regenerations++;
                sampler = sampler with { RepetitionPenalty = sampler.RepetitionPenalty + options.LoopGuardPenaltyStep, Seed = seed + turn.Regenerations };
                continue;
            }
            turn.Text = passage;
            turn.Error = null;
            turn.Status = PassageStatus.Complete;
            if (turn.Kind == TurnKind.Quests && passage.Length > 0) host.State.Quests.Add(passage);
            return;
        }
    }

    /// <summary>
    /// Stores the finished turn, trying again every second while storage is unavailable, so its end is sent once it is
    /// stored. False when another activation has written the player meanwhile (the grain then reloads, and a passage
    /// not stored there is written again).
    /// </summary>
    private async Task<bool> StoreAsync(StoryTurn turn)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await host.SaveAsync();
                return true;
            }
            catch (Orleans.Storage.InconsistentStateException ex)
            {
                LogPassageFailed(logger, host.PlayerId, turn.Id, "not stored (the player was written elsewhere): " + ex.Message);
                host.Reload();
                return false;
            }
            catch (Exception ex)
            {
                if (attempt == 1 || attempt % 30 == 0) LogPassageFailed(logger, host.PlayerId, turn.Id, $"not stored yet (attempt {attempt}): {ex.Message}");
                await Task.Delay(StoreRetryDelay);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Player {Player}: passage for turn {Turn} failed: {Message}")]
    private static partial void LogPassageFailed(ILogger logger, string player, string turn, string message);
}
