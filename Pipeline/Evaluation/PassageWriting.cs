using TextGameGen.Contracts.Generation;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Grains.Game;
using TextGameGen.Grains.Game.Story;
using TextGameGen.Inference.Packaging;
using TextGameGen.Inference.Runtime;
using TextGameGen.Inference.Sampling;
using TextGameGen.Inference.Scheduling;
using TextGameGen.Pipeline.Output;

namespace TextGameGen.Pipeline.Evaluation;

/// <summary>
/// How passages are written: their length, when they may end at a sentence end, whether the game's finishing
/// (<see cref="PassageText.Finish"/>) is applied, and the sampler (with the game's sentence-end push in <see cref="Now"/>). <see cref="Now"/> is what the server does today;
/// <see cref="Before"/> what it did before passages ended at sentences (48 tokens, kept as written).
/// </summary>
public sealed record PassageRules(string Name, int PassageTokens, int MinPassageTokens, bool Finish, SamplerSettings Sampler)
{
    public static PassageRules Now { get; } = new("sentence ends", new GameOptions().PassageTokens, new GameOptions().MinPassageTokens, true,
        new SamplerSettings { SentenceEndPush = new GameOptions().SentenceEndPush, ForeignNamePenalty = new GameOptions().ForeignNamePenalty });
    public static PassageRules Before { get; } = new("as written", 48, 0, false, new SamplerSettings());
}

/// <summary>One passage written for a scenario and seed: the model's text, what the game keeps of it, and why it stopped.</summary>
public sealed record WrittenPassage(PassageScenario Scenario, int Seed, string Raw, string Kept, int Tokens, FinishReason? Finish)
{
    /// <summary>The names its context gave (spared by the foreign-name penalty).</summary>
    public IReadOnlyList<string> KnownNames { get; init; } = [];
}

/// <summary>
/// Writes the first passage of every scenario with every seed, as the game would: the story context the game builds
/// (memory, world info, the author's note and the turn, fitted by <see cref="ContextAssembler"/> to the model's window),
/// the game's sampler, and the scheduler the server runs. One passage at a time by default: a batch's make-up (which
/// rows decode together, which prompts are prefilled together) changes the floating-point sums slightly, enough to
/// flip a sampled token now and then, so only a passage written alone is the same for the same prompt and seed on
/// every run. <c>batched</c> writes them all together, continuously batched as the server does (faster, not repeatable).
/// </summary>
public static class PassageWriting
{
    public const string PlayerName = "Ash";

    public static async Task<IReadOnlyList<WrittenPassage>> WriteAsync(string modelDirectory, WorldDefinition world, IReadOnlyList<PassageScenario> scenarios,
        int seeds, PassageRules rules, SessionSettings session, IProgressSink? progress = null, bool batched = false, CancellationToken cancellationToken = default)
    {
        var dir = ModelDirectory.Open(modelDirectory);
        int context = dir.Config.Context, passageTokens = Math.Max(1, Math.Min(rules.PassageTokens, context / 3));
        var assembler = new ContextAssembler(StoryTokenizer.Shared);
        var opened = BatchDecoders.Open(dir, session, KvLayout.Slots, rows: 32);
        using var resource = opened.Resource;
        await using var scheduler = new GenerationScheduler(opened.Decoder, StoryTokenizer.Shared,
            new SchedulerOptions
            {
                Mode = batched ? BatchingMode.Continuous : BatchingMode.Serial, MaxBatchSize = 32, ContextLength = context, MaxQueueLength = scenarios.Count * seeds + 1,
            })
        {
            Names = ForeignNames.Build(dir.Names, StoryTokenizer.Shared),
        };
        int done = 0, total = scenarios.Count * seeds;
        var jobs = scenarios.SelectMany(s => Enumerable.Range(1, seeds).Select(seed => (Scenario: s, Seed: seed))).Select(async job =>
        {
            var (line, tag) = TurnLine(job.Scenario.Command);
            var assembled = assembler.Assemble(new ContextInputs(context, passageTokens, world.Memory, world.AuthorsNote, WorldInfo(world, job.Scenario.Room), [], line + tag));
            var prompt = assembled.Prompt;
            var settings = rules.Sampler with
            {
                KnownNames = ContextNames.From(PlayerName, assembled.View.Prompt),
                MaxNewTokens = passageTokens, Seed = job.Seed, StopStrings = [],
                StopAtSentenceEndAfter = rules.MinPassageTokens > 0 ? Math.Min(rules.MinPassageTokens, passageTokens - 1) : 0,
            };
            for (int attempt = 0; ; attempt++)
            {
                var text = new System.Text.StringBuilder();
                GenerationEvent? last = null;
                await foreach (var e in scheduler.GenerateAsync(prompt, settings, cancellationToken: cancellationToken))
                {
                    text.Append(e.Text);
                    if (e.IsFinal) last = e;
                }
                if (last?.Outcome != GenerationOutcome.Completed) throw new InvalidOperationException($"A passage failed ({last?.Outcome}): {last?.Error}");
                string raw = text.ToString(), kept = rules.Finish ? PassageText.Finish(raw, last.Finish) : raw.Trim();
                // As the game does: a passage with nothing left once finished is written anew with the next seed.
                if (rules.Finish && kept.Length == 0 && attempt < new GameOptions().LoopGuardMaxRewrites)
                {
                    settings = settings with { Seed = settings.Seed + 1 };
                    continue;
                }
                progress?.Report(Interlocked.Increment(ref done), total);
                return new WrittenPassage(job.Scenario, job.Seed, raw, kept, last.TokenCount, last.Finish) { KnownNames = settings.KnownNames };
            }
        }).ToList();
        return await Task.WhenAll(jobs);
    }

    /// <summary>The turn's context line and the story token its passage is written under, as the game's do and say rules make them.</summary>
    public static (string Line, string Tag) TurnLine(string command)
    {
        if (command.StartsWith("say ", StringComparison.Ordinal))
            return (StoryText.Line(StoryTokens.Dialogue, StoryText.Quoted(command[4..])), StoryTokens.Dialogue);
        if (command.StartsWith("do ", StringComparison.Ordinal))
            return (StoryText.Line(StoryTokens.Action, StoryText.SecondPerson(command[3..])), StoryTokens.Action);
        throw new ArgumentException($"A passage scenario is 'do ...' or 'say ...' (got '{command}').");
    }

    /// <summary>The world info a first turn in <paramref name="roomId"/> has: the player's name, the room and who is there.</summary>
    public static IReadOnlyList<string> WorldInfo(WorldDefinition world, string roomId)
    {
        var room = world.Rooms.FirstOrDefault(r => r.Id == roomId) ?? throw new ArgumentException($"World '{world.Id}' has no room '{roomId}'.");
        return StoryContextBuilder.WorldInfo(PlayerName, room.Name, room.Description, room.Npcs, [], [], []);
    }
}
