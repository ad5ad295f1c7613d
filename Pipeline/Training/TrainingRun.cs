using System.Diagnostics;
using System.Globalization;
using TextGameGen.Inference.Checkpoints;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Packaging;
using TextGameGen.Pipeline.Corpus;

namespace TextGameGen.Pipeline.Training;

/// <summary>Where a run stands after a step or an evaluation.</summary>
public sealed record TrainingProgress(int Step, int TotalSteps, double Loss, double TokensPerSecond, TimeSpan Elapsed, TimeSpan Remaining, double? DevLoss = null);

/// <summary>What one segment of a run did.</summary>
public sealed record TrainingResult(int FirstStep, int LastStep, int TotalSteps, double DevLoss, double Seconds)
{
    public bool Finished => LastStep >= TotalSteps;
}

/// <summary>
/// One training run in a folder of its own: the model, the AdamW optimizer, the data position and the plan, with
/// checkpoints from which <see cref="Resume"/> continues exactly where the run stopped (the same batches, the same
/// schedule). Every invocation is a segment: its steps and time go to <c>segments.tsv</c>, and every dev evaluation to
/// <c>curve.tsv</c> (dev loss against tokens seen). Used by <c>tgg train</c> and <c>tgg pipeline run</c>.
/// </summary>
public sealed class TrainingRun
{
    public const string CheckpointFile = "checkpoint.safetensors";
    public const string CurveFile = "curve.tsv";
    public const string SegmentsFile = "segments.tsv";

    private readonly TrainingModel _model;
    private readonly AdamW _optimizer;
    private readonly TokenBatches _train;
    private readonly TokenBatches _dev;
    private int _checkpointedStep;

    private TrainingRun(string folder, TrainingPlan plan, Gpt2Weights weights)
    {
        plan.Validate();
        Folder = folder;
        Plan = plan with { Sequence = Math.Min(plan.Sequence, weights.Config.Context) };
        _model = new TrainingModel(weights);
        _optimizer = new AdamW(_model, Plan.OptimizerSettings());
        _train = new TokenBatches(ReadSplit(plan.Data, "train"));
        _dev = new TokenBatches(ReadSplit(plan.Data, "dev"));
        if (_train.TokenCount <= Plan.Sequence) throw new InvalidDataException($"'{plan.Data}' has {_train.TokenCount} training tokens; a sequence needs {Plan.Sequence + 1}.");
    }

    public string Folder { get; }
    public TrainingPlan Plan { get; }
    public Gpt2Config Config => _model.Config;
    public int Step => _optimizer.Step;
    public int TrainingTokens => _train.TokenCount;

    /// <summary>A new run in <paramref name="folder"/> from <paramref name="weights"/>.</summary>
    public static TrainingRun Start(string folder, TrainingPlan plan, Gpt2Weights weights)
    {
        Directory.CreateDirectory(folder);
        plan = plan with { Dataset = CorpusManifest.TryRead(plan.Data)?.Train.Sha256 ?? "" };
        // A new run: an earlier run's records in this folder are not its own.
        foreach (var file in new[] { CheckpointFile, AdamW.StateFile, CurveFile, SegmentsFile })
            File.Delete(Path.Combine(folder, file));
        var run = new TrainingRun(folder, plan, weights);
        run.Plan.Save(folder);
        ModelConfigFile.Write(Path.Combine(folder, ModelDirectory.ConfigFile), weights.Config);
        return run;
    }

    /// <summary>Continues the run in <paramref name="folder"/> from its last checkpoint, with its own plan.</summary>
    public static TrainingRun Resume(string folder)
    {
        var plan = TrainingPlan.Load(folder);
        if (plan.Dataset.Length > 0 && CorpusManifest.TryRead(plan.Data)?.Train.Sha256 is { } now && now != plan.Dataset)
            throw new InvalidDataException($"The corpus in '{plan.Data}' changed since the run in '{folder}' started (train split {now[..12]}, was {plan.Dataset[..12]}); start a new run.");
        string checkpoint = Path.Combine(folder, CheckpointFile), optimizer = Path.Combine(folder, AdamW.StateFile);
        if (!File.Exists(checkpoint) || !File.Exists(optimizer))
            throw new FileNotFoundException($"'{folder}' has no {CheckpointFile} and {AdamW.StateFile} to resume from.");
        var config = ModelConfigFile.Read(Path.Combine(folder, ModelDirectory.ConfigFile));
        var weights = HuggingFaceGpt2Import.Import(checkpoint, config.Heads);
        var run = new TrainingRun(folder, plan, weights);
        var state = run._optimizer.Load(optimizer);
        run._train.Position = int.Parse(state["data_position"], CultureInfo.InvariantCulture);
        run._checkpointedStep = run.Step;
        return run;
    }

    /// <summary>
    /// Resumes the run in <paramref name="folder"/> when it was started with this same plan on this same corpus and has a
    /// checkpoint (an interrupted <c>tgg pipeline run</c> continues where it stopped); otherwise starts a new one there.
    /// </summary>
    public static (TrainingRun Run, bool Resumed) ResumeOrStart(string folder, TrainingPlan plan, Func<Gpt2Weights> weights)
    {
        bool same = File.Exists(Path.Combine(folder, TrainingPlan.FileName)) && File.Exists(Path.Combine(folder, CheckpointFile))
            && File.Exists(Path.Combine(folder, AdamW.StateFile))
            && TrainingPlan.Load(folder) is var stored
            && stored with { Dataset = "" } == plan with { Dataset = "" }
            && stored.Dataset == (CorpusManifest.TryRead(plan.Data)?.Train.Sha256 ?? "");
        return same ? (Resume(folder), true) : (Start(folder, plan, weights()), false);
    }

    /// <summary>
    /// Trains until the plan's last step, or for at most <paramref name="maxSteps"/> steps (0: no limit), or until
    /// cancelled; checkpoints along the way and at the end.
    /// </summary>
    public TrainingResult Run(int maxSteps = 0, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        int first = Step + 1;
        int last = maxSteps > 0 ? Math.Min(Plan.Steps, Step + maxSteps) : Plan.Steps;
        var clock = Stopwatch.StartNew();
        double devLoss = double.NaN, lossSum = 0;
        int lossCount = 0;
        for (int step = first; step <= last && !cancellationToken.IsCancellationRequested; step++)
        {
            var (x, y) = _train.Next(Plan.Batch, Plan.Sequence);
            _model.ZeroGradients();
            double loss = _model.Forward(x, y, Plan.Batch, Plan.Sequence);
            if (!double.IsFinite(loss))
                throw new InvalidDataException($"The training loss is {loss} at step {step}: the run stops here, its last checkpoint (step {_checkpointedStep}) kept as it was.");
            _model.Backward();
            _optimizer.Update();
            lossSum += loss;
            lossCount++;
            double perStep = clock.Elapsed.TotalSeconds / (step - first + 1);
            bool evaluate = step == last || step % Plan.EvalEvery == 0;
            double? dev = null;
            if (evaluate)
            {
                devLoss = DevLoss();
                dev = devLoss;
                AppendCurve(step, lossSum / lossCount, devLoss, clock.Elapsed.TotalSeconds);
                lossSum = 0;
                lossCount = 0;
            }
            progress?.Report(new TrainingProgress(step, Plan.Steps, loss, Plan.Batch * Plan.Sequence / perStep, clock.Elapsed,
                TimeSpan.FromSeconds(perStep * (last - step)), dev));
            if (Plan.CheckpointEvery > 0 && step % Plan.CheckpointEvery == 0) Checkpoint();
        }
        Checkpoint();
        var result = new TrainingResult(first, Step, Plan.Steps, devLoss, clock.Elapsed.TotalSeconds);
        AppendSegment(result);
        return result;
    }

    /// <summary>Mean cross-entropy on dev windows (at most the plan's evaluation batches).</summary>
    public double DevLoss() =>
        _dev.All(Plan.Batch, Plan.Sequence, Plan.EvalBatches).Select(d => _model.Forward(d.Inputs, d.Targets, Plan.Batch, Plan.Sequence))
            .DefaultIfEmpty(double.NaN).Average();

    /// <summary>The weights now (a copy).</summary>
    public Gpt2Weights Weights() => _model.ToWeights();

    /// <summary>Writes the weights, the optimizer's moments, the step and the data position.</summary>
    public void Checkpoint()
    {
        SafetensorsFile.Write(Path.Combine(Folder, CheckpointFile), _model.ToWeights().Tensors,
            new Dictionary<string, string> { ["steps"] = Step.ToString(CultureInfo.InvariantCulture) });
        _optimizer.Save(Path.Combine(Folder, AdamW.StateFile),
            new Dictionary<string, string> { ["data_position"] = _train.Position.ToString(CultureInfo.InvariantCulture) });
        _checkpointedStep = Step;
    }

    private void AppendCurve(int step, double trainLoss, double devLoss, double seconds)
    {
        string path = Path.Combine(Folder, CurveFile);
        if (!File.Exists(path)) File.WriteAllText(path, "step\ttokens\ttrain_loss\tdev_loss\tsegment_seconds\tutc\n");
        File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture,
            $"{step}\t{(long)step * Plan.Batch * Plan.Sequence}\t{trainLoss:F4}\t{devLoss:F4}\t{seconds:F0}\t{DateTime.UtcNow:O}\n"));
    }

    private void AppendSegment(TrainingResult r)
    {
        string path = Path.Combine(Folder, SegmentsFile);
        if (!File.Exists(path)) File.WriteAllText(path, "first_step\tlast_step\tseconds\tdev_loss\tended_utc\n");
        File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture, $"{r.FirstStep}\t{r.LastStep}\t{r.Seconds:F0}\t{r.DevLoss:F4}\t{DateTime.UtcNow:O}\n"));
    }

    private static IEnumerable<string> ReadSplit(string folder, string split)
    {
        string path = Path.Combine(folder, split + ".txt");
        if (!File.Exists(path)) throw new FileNotFoundException($"'{folder}' has no {split}.txt; run tgg corpus build first.");
        return File.ReadLines(path);
    }
}
