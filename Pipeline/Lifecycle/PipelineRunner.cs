using System.Diagnostics;
using System.Text.Json.Nodes;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Registry;
using TextGameGen.Inference.Runtime;
using TextGameGen.Pipeline.Corpus;
using TextGameGen.Pipeline.Evaluation;
using TextGameGen.Pipeline.Training;

namespace TextGameGen.Pipeline.Lifecycle;

/// <summary>One stage's outcome for the summary table.</summary>
public sealed record StageResult(string Stage, string Outcome, double Seconds);

/// <summary>Runs every stage in order: corpus, train, eval (dev and test), registry add, promote behind the gate.</summary>
public sealed class PipelineRunner(PipelineConfig config, Action<string> log)
{
    public List<StageResult> Stages { get; } = [];

    public void Run(CancellationToken cancellationToken = default)
    {
        string corpusDir = Path.Combine(config.WorkDir, "corpus"), modelDir = Path.Combine(config.WorkDir, "model");
        JsonObject corpus = null!;
        Stage("corpus", () =>
        {
            corpus = CorpusBuilder.Build(config.Inputs, corpusDir, new CorpusSettings(config.Seed, config.Split[0], config.Split[1], config.Split[2]));
            return $"{corpus["lines"]} lines; train {corpus["splits"]!["train"]!["tokens"]} tokens";
        });

        double trainerDevLoss = double.NaN;
        Stage("train", () =>
        {
            var weights = config.Init is { } init ? HuggingFaceGpt2Import.Import(init, config.Heads) : Gpt2Weights.CreateRandom(Shape(), config.Seed);
            var model = new TrainingModel(weights);
            int b = config.Batch, t = Math.Min(config.Seq, weights.Config.Context);
            var optimizer = new AdamW(model, new TrainingSettings { LearningRate = config.LearningRate, TotalSteps = config.Steps, WarmupSteps = Math.Max(1, config.Steps / 20) });
            var train = new TokenBatches(File.ReadLines(Path.Combine(corpusDir, "train.txt")));
            var clock = Stopwatch.StartNew();
            for (int step = 1; step <= config.Steps && !cancellationToken.IsCancellationRequested; step++)
            {
                var (x, y) = train.Next(b, t);
                model.ZeroGradients();
                double loss = model.Forward(x, y, b, t);
                model.Backward();
                optimizer.Update();
                if (step % Math.Max(1, config.Steps / 20) == 0 || step == config.Steps)
                    log($"train step {step}/{config.Steps} loss {loss:F3}, {b * t * step / clock.Elapsed.TotalSeconds:F0} tok/s");
            }
            var dev = new TokenBatches(File.ReadLines(Path.Combine(corpusDir, "dev.txt")));
            trainerDevLoss = dev.All(b, t).Select(d => model.Forward(d.Inputs, d.Targets, b, t)).DefaultIfEmpty(double.NaN).Average();
            ModelDirectory.Save(modelDir, model.ToWeights(), new OnnxExportOptions { Float16 = config.Float16 }, new JsonObject
            {
                ["kind"] = "trained", ["steps"] = optimizer.Step, ["batch"] = b, ["seq"] = t, ["learning_rate"] = config.LearningRate,
                ["trainer_dev_loss"] = trainerDevLoss, ["dataset_sha256"] = corpus["splits"]!["train"]!["sha256"]!.GetValue<string>(),
            });
            return $"{optimizer.Step} steps, trainer dev loss {trainerDevLoss:F3}";
        });

        var perplexity = new Dictionary<string, double>();
        Stage("eval", () =>
        {
            var dir = ModelDirectory.Open(modelDir);
            using var session = Gpt2Session.Open(dir.ModelPath);
            foreach (var split in new[] { "dev", "test" })
            {
                var lines = File.ReadLines(Path.Combine(corpusDir, split + ".txt")).Where(l => l.Length > 0);
                if (config.EvalMaxLines > 0) lines = lines.Take(config.EvalMaxLines);
                perplexity[split] = PerplexityEvaluator.Evaluate(session, lines.ToList(), dir.Config.Context).Perplexity;
            }
            return $"dev perplexity {perplexity["dev"]:F2}, test perplexity {perplexity["test"]:F2}";
        });

        var registry = new ModelRegistry(config.RegistryRoot);
        string version = "";
        Stage("registry", () =>
        {
            version = registry.Add(config.Generator, modelDir, perplexity["dev"], corpus["splits"]!["train"]!["sha256"]!.GetValue<string>(), registry.Production(config.Generator));
            return $"{config.Generator} {version}";
        });

        if (config.Promote)
        {
            Stage("promote", () =>
            {
                try
                {
                    return registry.Promote(config.Generator, version);
                }
                catch (InvalidOperationException ex)
                {
                    return ex.Message; // the gate said no: a result, not a crash
                }
            });
        }
    }

    private Gpt2Config Shape()
    {
        if (config.Shape is { } name) return Gpt2Config.FromShapeName(name);
        if (config.Layers is { } l && config.Heads is { } h && config.Width is { } w)
            return new Gpt2Config(l, h, w, config.Context ?? 256, Gpt2Config.StoryVocabularySize);
        throw new ArgumentException("The pipeline config needs init, shape, or layers + heads + width.");
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
