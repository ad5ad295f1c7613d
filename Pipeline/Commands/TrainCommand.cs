using System.CommandLine;
using TextGameGen.Inference.Checkpoints;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Packaging;
using TextGameGen.Pipeline.Output;
using TextGameGen.Pipeline.Training;

namespace TextGameGen.Pipeline.Commands;

/// <summary><c>tgg train</c>: starts or resumes a <see cref="TrainingRun"/>, then exports the model through the ONNX writer.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var defaults = new TrainingPlan();
        var data = new Option<string?>("--data") { Description = "corpus directory with train.txt and dev.txt (tgg corpus build); not with --resume" };
        var output = new Option<string?>("--out") { Description = "the run's folder: checkpoints, run.json, curve.tsv and the exported model" };
        var shape = new Option<string?>("--shape") { Description = "start from scratch with this shape (tiny, small-124M, medium-355M, LxHxW)" };
        var context = new Option<int?>("--context") { Description = "context length of a new model from --shape (default: the shape's, 1024 for LxHxW)" };
        var init = new Option<string?>("--init") { Description = "start from a checkpoint: a Hugging Face GPT-2 model.safetensors or our checkpoint.safetensors" };
        var heads = new Option<int?>("--heads") { Description = "attention heads of --init (default: config.json beside it)" };
        var resume = new Option<string?>("--resume") { Description = "continue the run in this folder where it stopped (weights, optimizer moments, step, data position, plan)" };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => defaults.Steps, Description = "steps of the whole run" };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => defaults.Batch };
        var seq = new Option<int>("--seq") { DefaultValueFactory = _ => defaults.Sequence };
        var lr = new Option<float>("--lr") { DefaultValueFactory = _ => defaults.LearningRate };
        var warmup = new Option<int>("--warmup") { DefaultValueFactory = _ => 0, Description = "warm-up steps (0: a twentieth of --steps)" };
        var evalEvery = new Option<int>("--eval-every") { DefaultValueFactory = _ => defaults.EvalEvery, Description = "dev loss every N steps (and at the end)" };
        var evalBatches = new Option<int>("--eval-batches") { DefaultValueFactory = _ => 0, Description = "dev batches per evaluation (0: all of dev)" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var checkpointEvery = new Option<int>("--checkpoint-every") { DefaultValueFactory = _ => 0, Description = "checkpoint every N steps (0: at the end of this invocation only)" };
        var runSteps = new Option<int>("--run-steps") { DefaultValueFactory = _ => 0, Description = "stop after this many steps in this invocation (checkpointed; continue with --resume)" };
        var fp16 = ModelOptions.Fp16();
        var command = new Command("train", "Train or fine-tune a GPT-2 model in C#, then export it through the ONNX writer")
        {
            data, output, shape, context, init, heads, resume, steps, batch, seq, lr, warmup, evalEvery, evalBatches, seed, checkpointEvery, runSteps, fp16,
            TrainCurveCommand.Create(),
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.Guard(() =>
        {
            TrainingRun run;
            if (parse.GetValue(resume) is { } folder)
            {
                if (parse.GetValue(shape) is not null || parse.GetValue(init) is not null || parse.GetValue(data) is not null)
                    throw new ArgumentException("--resume continues a run with its own data and weights; leave out --data, --shape and --init.");
                run = TrainingRun.Resume(folder);
                Console.WriteLine($"resuming {folder} at step {run.Step + 1} of {run.Plan.Steps}");
            }
            else
            {
                var dataDir = parse.GetValue(data) ?? throw new ArgumentException("--data is required (a corpus folder from tgg corpus build), or --resume a run.");
                var outDir = parse.GetValue(output) ?? throw new ArgumentException("--out is required: the run's folder.");
                var (weights, origin) = StartingWeights(parse.GetValue(shape), parse.GetValue(context), parse.GetValue(init), parse.GetValue(heads), parse.GetValue(seed));
                var plan = new TrainingPlan
                {
                    Steps = parse.GetValue(steps),
                    Batch = parse.GetValue(batch),
                    Sequence = parse.GetValue(seq),
                    LearningRate = parse.GetValue(lr),
                    WarmupSteps = parse.GetValue(warmup),
                    EvalEvery = parse.GetValue(evalEvery),
                    EvalBatches = parse.GetValue(evalBatches),
                    CheckpointEvery = parse.GetValue(checkpointEvery),
                    Init = origin,
                    Data = Path.GetFullPath(dataDir),
                };
                run = TrainingRun.Start(outDir, plan, weights);
            }
            Console.WriteLine($"training {run.Config.ParameterCount:N0} parameters on {run.TrainingTokens:N0} tokens, batch {run.Plan.Batch} x {run.Plan.Sequence}, {run.Plan.Steps} steps");
            var result = LongTask.Run("step", sink => run.Run(parse.GetValue(runSteps), new StepProgress(sink), cancellationToken));
            var source = new ModelSource
            {
                Kind = "trained",
                Steps = run.Step,
                Batch = run.Plan.Batch,
                Seq = run.Plan.Sequence,
                LearningRate = run.Plan.LearningRate,
                Init = run.Plan.Init,
                TrainerDevLoss = result.DevLoss,
                Seconds = result.Seconds,
            };
            ModelDirectory.Save(run.Folder, run.Weights(), new OnnxExportOptions { Float16 = parse.GetValue(fp16) }, source);
            Console.WriteLine(result.Finished
                ? $"wrote {run.Folder} (dev loss {result.DevLoss:F4})"
                : $"stopped at step {result.LastStep} of {result.TotalSteps}; wrote {run.Folder} (dev loss {result.DevLoss:F4}); continue with --resume {run.Folder}");
            return 0;
        }));
        return command;
    }

    private static (Gpt2Weights Weights, string Origin) StartingWeights(string? shape, int? context, string? init, int? heads, int seed)
    {
        switch (shape, init)
        {
            case ({ } s, null):
                var config = Gpt2Config.FromShapeName(s);
                if (context is { } c) config = config with { Context = c };
                config.Validate();
                return (Gpt2Weights.CreateRandom(config, seed), $"random:{s}:{seed}");
            case (null, { } path):
                if (context is not null) throw new ArgumentException("--context applies to a new model from --shape; an --init checkpoint keeps its own.");
                return (HuggingFaceGpt2Import.Import(path, heads), Path.GetFileName(path));
            default:
                throw new ArgumentException("Give exactly one of --shape (from scratch), --init (from a checkpoint) or --resume (a run's folder).");
        }
    }

    /// <summary>The step, loss and speed on the progress bar (a line each when output is redirected), the dev loss on a line of its own.</summary>
    private sealed class StepProgress(IProgressSink sink) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            sink.Report(p.Step, p.TotalSteps, $"loss {p.Loss:F4} {p.TokensPerSecond:F0} tok/s");
            if (p.DevLoss is { } dev) sink.Line($"dev loss {dev:F4} (perplexity {Math.Exp(dev):F2})");
        }
    }
}
