using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Model.Safetensors;
using TextGameGen.Inference.Onnx;
using TextGameGen.Pipeline.Training;

namespace TextGameGen.Pipeline.Commands;

/// <summary><c>tgg train</c>: trains from scratch or from a checkpoint, evaluates on dev, checkpoints, exports.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Required = true, Description = "corpus directory with train.txt and dev.txt (tgg corpus build)" };
        var output = new Option<string>("--out") { Required = true, Description = "model directory to write (checkpoint.safetensors is kept there too)" };
        var shape = new Option<string?>("--shape") { Description = "start from scratch with this shape (tiny, small-124M, ...)" };
        var init = new Option<string?>("--init") { Description = "start from a checkpoint: a Hugging Face GPT-2 model.safetensors or our checkpoint.safetensors" };
        var heads = new Option<int?>("--heads") { Description = "attention heads of --init (default: config.json beside it)" };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 200 };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 4 };
        var seq = new Option<int>("--seq") { DefaultValueFactory = _ => 64 };
        var lr = new Option<float>("--lr") { DefaultValueFactory = _ => 3e-4f };
        var evalEvery = new Option<int>("--eval-every") { DefaultValueFactory = _ => 50 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var resume = new Option<string?>("--resume") { Description = "continue a run from its folder (checkpoint.safetensors + optimizer.safetensors): weights, optimizer moments, step and data position" };
        var checkpointEvery = new Option<int>("--checkpoint-every") { DefaultValueFactory = _ => 0, Description = "write checkpoint.safetensors and optimizer.safetensors into --out every N steps (0: at the end only)" };
        var runSteps = new Option<int>("--run-steps") { DefaultValueFactory = _ => 0, Description = "stop after this many steps in this invocation (checkpointed; continue with --resume)" };
        var command = new Command("train", "Train or fine-tune a GPT-2 model in C#, then export it through the ONNX writer")
        {
            data, output, shape, init, heads, steps, batch, seq, lr, evalEvery, seed, resume, checkpointEvery, runSteps,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.Guard(() =>
        {
            string dataDir = parse.GetValue(data)!;
            foreach (var f in new[] { "train.txt", "dev.txt" })
                if (!File.Exists(Path.Combine(dataDir, f))) throw new FileNotFoundException($"'{dataDir}' has no {f}; run tgg corpus build first.");
            string? resumeDir = parse.GetValue(resume);
            if (resumeDir is not null && !File.Exists(Path.Combine(resumeDir, AdamW.StateFile)))
                throw new FileNotFoundException($"'{resumeDir}' has no {AdamW.StateFile} to resume from.");
            Gpt2Weights weights = (parse.GetValue(shape), parse.GetValue(init), resumeDir) switch
            {
                ({ } s, null, null) => Gpt2Weights.CreateRandom(Gpt2Config.FromShapeName(s), parse.GetValue(seed)),
                (null, { } path, null) => HuggingFaceGpt2Import.Import(path, parse.GetValue(heads)),
                (null, null, { } dir) => HuggingFaceGpt2Import.Import(Path.Combine(dir, "checkpoint.safetensors"), parse.GetValue(heads)),
                _ => throw new ArgumentException("Give exactly one of --shape (from scratch), --init (from a checkpoint) or --resume (a run's folder)."),
            };
            int b = parse.GetValue(batch), t = Math.Min(parse.GetValue(seq), weights.Config.Context), total = parse.GetValue(steps);
            var model = new TrainingModel(weights);
            var optimizer = new AdamW(model, new TrainingSettings { LearningRate = parse.GetValue(lr), TotalSteps = total, WarmupSteps = Math.Max(1, total / 20) });
            var train = new TokenBatches(File.ReadLines(Path.Combine(dataDir, "train.txt")));
            var dev = new TokenBatches(File.ReadLines(Path.Combine(dataDir, "dev.txt")));
            Console.WriteLine($"training {weights.Config.ParameterCount:N0} parameters on {train.TokenCount:N0} tokens, batch {b} x {t}, {total} steps");
            string outDir = parse.GetValue(output)!;
            if (resumeDir is not null)
            {
                var state = optimizer.Load(Path.Combine(resumeDir, AdamW.StateFile));
                train.Position = int.Parse(state["data_position"], System.Globalization.CultureInfo.InvariantCulture);
                Console.WriteLine($"resuming at step {optimizer.Step + 1} of {total}");
            }
            void Checkpoint()
            {
                Directory.CreateDirectory(outDir);
                var now = model.ToWeights();
                // The shape, for --resume (the model's full config.json, written at the end, holds it too).
                if (!File.Exists(Path.Combine(outDir, ModelDirectory.ConfigFile))) File.WriteAllText(Path.Combine(outDir, ModelDirectory.ConfigFile), now.Config.ToJson());
                SafetensorsFile.Write(Path.Combine(outDir, "checkpoint.safetensors"), now.Tensors, new Dictionary<string, string> { ["steps"] = optimizer.Step.ToString() });
                optimizer.Save(Path.Combine(outDir, AdamW.StateFile), new Dictionary<string, string> { ["data_position"] = train.Position.ToString() });
            }
            var clock = Stopwatch.StartNew();
            double devLoss = double.NaN;
            int first = optimizer.Step + 1, stopAt = parse.GetValue(runSteps) > 0 ? Math.Min(total, optimizer.Step + parse.GetValue(runSteps)) : total;
            for (int step = first; step <= stopAt && !cancellationToken.IsCancellationRequested; step++)
            {
                var (x, y) = train.Next(b, t);
                model.ZeroGradients();
                double loss = model.Forward(x, y, b, t);
                model.Backward();
                double norm = optimizer.Update();
                double perStep = clock.Elapsed.TotalSeconds / (step - first + 1);
                Console.WriteLine($"step {step}/{total} loss {loss:F4} grad-norm {norm:F2} {b * t / perStep:F0} tok/s, {TimeSpan.FromSeconds(perStep * (total - step)):mm\\:ss} left");
                if (parse.GetValue(checkpointEvery) > 0 && step % parse.GetValue(checkpointEvery) == 0) Checkpoint();
                if (step % parse.GetValue(evalEvery) == 0 || step == stopAt)
                {
                    devLoss = dev.All(b, t).Select(d => model.Forward(d.Inputs, d.Targets, b, t)).DefaultIfEmpty(double.NaN).Average();
                    Console.WriteLine($"dev loss {devLoss:F4} (perplexity {Math.Exp(devLoss):F2})");
                }
            }
            var trained = model.ToWeights();
            var source = new JsonObject
            {
                ["kind"] = "trained", ["steps"] = optimizer.Step, ["batch"] = b, ["seq"] = t, ["learning_rate"] = parse.GetValue(lr),
                ["init"] = parse.GetValue(init) is { } i ? Path.GetFileName(i) : $"random:{parse.GetValue(shape)}:{parse.GetValue(seed)}",
                ["trainer_dev_loss"] = devLoss, ["seconds"] = clock.Elapsed.TotalSeconds,
            };
            ModelDirectory.Save(outDir, trained, OnnxExportOptions.Default, source);
            Checkpoint();
            Console.WriteLine($"wrote {outDir} (dev loss {devLoss:F4})");
            return 0;
        }));
        return command;
    }
}
