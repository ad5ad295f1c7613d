using System.Diagnostics;
using TextGameGen.Inference.Checkpoints;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Packaging;
using TextGameGen.Inference.Registry;
using TextGameGen.Pipeline.Corpus;
using TextGameGen.Pipeline.Evaluation;
using TextGameGen.Pipeline.Training;

namespace TextGameGen.Pipeline.Lifecycle;

/// <summary>One stage's outcome for the summary table.</summary>
public sealed record StageResult(string Stage, string Outcome, double Seconds);

/// <summary>
/// Runs every stage in order: corpus, train, eval (dev and test), compare (with held-out lists: the new model and
/// production on the earlier corpus's held-out dev lines), registry add, promote behind the gate.
/// </summary>
public sealed class PipelineRunner(PipelineConfig config, Action<string> log)
{
    public List<StageResult> Stages { get; } = [];

    /// <summary>The registry version the run added (empty until then).</summary>
    public string Version { get; private set; } = "";

    /// <summary>Whether the new version became production.</summary>
    public bool Promoted { get; private set; }

    public PipelineConfig Config => config;

    public void Run(CancellationToken cancellationToken = default)
    {
        string corpusDir = Path.Combine(config.WorkDir!, "corpus"), modelDir = Path.Combine(config.WorkDir!, "model");
        CorpusManifest corpus = null!;
        Stage("corpus", () =>
        {
            corpus = CorpusBuilder.Build(config.Inputs, corpusDir, new CorpusSettings(config.Seed, config.Split[0], config.Split[1], config.Split[2]) { HeldOutFiles = config.HeldOut });
            return $"{corpus.Lines} lines; train {corpus.Train.Tokens} tokens";
        });

        double trainerDevLoss = double.NaN;
        Stage("train", () =>
        {
            var shape = config.Init is null ? Shape() : null;
            var plan = new TrainingPlan
            {
                Steps = config.Steps,
                Batch = config.Batch,
                Sequence = config.Seq,
                LearningRate = config.LearningRate,
                EvalEvery = config.EvalEvery > 0 ? config.EvalEvery : config.Steps,
                EvalBatches = config.EvalBatches,
                CheckpointEvery = config.CheckpointEvery,
                Data = corpusDir,
                Init = config.Init is { } i ? Path.GetFileName(i) : $"random:{shape!.Layers}x{shape.Heads}x{shape.Width}x{shape.Context}:{config.Seed}",
            };
            var (run, resumed) = TrainingRun.ResumeOrStart(modelDir, plan,
                () => config.Init is { } init ? HuggingFaceGpt2Import.Import(init, config.Heads) : Gpt2Weights.CreateRandom(shape!, config.Seed));
            if (resumed) log($"   resuming the run in {modelDir} at step {run.Step + 1} of {run.Plan.Steps} (same plan, same corpus)");
            int every = Math.Max(1, config.Steps / 20);
            var result = run.Step >= run.Plan.Steps
                ? new TrainingResult(run.Step, run.Step, run.Plan.Steps, run.DevLoss(), 0)
                : run.Run(0, new Progress(p =>
                {
                    if (p.Step % every == 0 || p.Step == p.TotalSteps) log($"train step {p.Step}/{p.TotalSteps} loss {p.Loss:F3}, {p.TokensPerSecond:F0} tok/s");
                    if (p.DevLoss is { } dev) log($"   dev loss {dev:F3} at step {p.Step}");
                }), cancellationToken);
            if (!result.Finished) throw new OperationCanceledException($"Training stopped at step {result.LastStep} of {result.TotalSteps}; run the same command again to continue.");
            trainerDevLoss = result.DevLoss;
            ModelDirectory.Save(modelDir, run.Weights(), new OnnxExportOptions { Float16 = config.Fp16 }, new ModelSource
            {
                Kind = "trained",
                Steps = run.Step,
                Batch = run.Plan.Batch,
                Seq = run.Plan.Sequence,
                LearningRate = config.LearningRate,
                Init = run.Plan.Init,
                TrainerDevLoss = trainerDevLoss,
                Seconds = result.Seconds,
                DatasetSha256 = corpus.Train.Sha256,
            });
            return $"{run.Step} steps, trainer dev loss {trainerDevLoss:F3}";
        });

        Stage("names", () =>
        {
            var names = CorpusNames.WriteFor(modelDir, Path.Combine(corpusDir, "train.txt"));
            return $"{names.Count} book names in {Path.Combine(modelDir, ModelDirectory.NamesFile)}{(names.Count > 0 ? $" ({string.Join(", ", names.Take(5))}, ...)" : "")}";
        });

        var perplexity = new Dictionary<string, double>();
        Stage("eval", () =>
        {
            var results = ModelEvaluation.Evaluate(modelDir, [Path.Combine(corpusDir, "dev.txt"), Path.Combine(corpusDir, "test.txt")], config.EvalMaxLines,
                cancellationToken: cancellationToken);
            perplexity["dev"] = results[0].Result.Perplexity;
            perplexity["test"] = results[1].Result.Perplexity;
            return $"dev perplexity {perplexity["dev"]:F2}, test perplexity {perplexity["test"]:F2}";
        });

        var registry = new ModelRegistry(config.RegistryRoot);
        // The recorded dev perplexities come from each corpus's own dev split; with held-out lists, the lines an earlier
        // corpus held out as dev are in this one's dev split too: production and the new model are measured on those.
        SameLinesComparison? sameLines = null;
        if (config.HeldOut.Length > 0 && registry.Production(config.Generator) is { } production)
        {
            Stage("compare", () =>
            {
                var lines = CorpusBuilder.HeldOutLines(corpusDir, "dev", config.HeldOut);
                if (lines.Count == 0) return "none of the earlier corpus's dev lines is in this one: the gate compares the recorded dev perplexities";
                string file = Path.Combine(corpusDir, "dev-held-out.txt");
                File.WriteAllLines(file, lines);
                double candidate = ModelEvaluation.Evaluate(modelDir, [file], cancellationToken: cancellationToken)[0].Result.Perplexity;
                double current = ModelEvaluation.Evaluate(registry.VersionPath(config.Generator, production), [file], cancellationToken: cancellationToken)[0].Result.Perplexity;
                sameLines = new SameLinesComparison(candidate, current, $"the earlier corpus's {lines.Count} held-out dev lines");
                return $"on the earlier corpus's {lines.Count} held-out dev lines ({file}): new {candidate:F2}, production {production} {current:F2}";
            });
        }

        string version = "";
        Stage("registry", () =>
        {
            version = registry.Add(config.Generator, modelDir, perplexity["dev"], corpus.Train.Sha256, registry.Production(config.Generator));
            Version = version;
            return $"{config.Generator} {version}";
        });

        if (config.Promote)
        {
            Stage("promote", () =>
            {
                var decision = registry.Promote(config.Generator, version, sameLines: sameLines); // a refusal by the gate is a result, not a crash
                Promoted = decision.Promoted;
                return decision.Message;
            });
        }
    }

    private Gpt2Config Shape()
    {
        if (config.Shape is { } name)
        {
            var named = Gpt2Config.FromShapeName(name);
            return config.Context is { } context ? named with { Context = context } : named;
        }
        if (config.Layers is { } l && config.Heads is { } h && config.Width is { } w)
            return new Gpt2Config(l, h, w, config.Context ?? 256, Gpt2Config.StoryVocabularySize);
        throw new ArgumentException("The pipeline config needs init, shape, or layers + heads + width.");
    }

    /// <summary>Reports on the training thread (System.Progress would post to the thread pool, out of order).</summary>
    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    private void Stage(string name, Func<string> action)
    {
        var clock = Stopwatch.StartNew();
        log($"== {name}");
        string outcome = action();
        Stages.Add(new StageResult(name, outcome, clock.Elapsed.TotalSeconds));
        log($"   {outcome}");
    }
}
