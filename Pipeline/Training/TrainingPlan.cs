using System.Text.Json.Serialization;
using TextGameGen.Inference.Packaging;

namespace TextGameGen.Pipeline.Training;

/// <summary>
/// What a training run does: its length, batch shape, learning-rate schedule, evaluation and checkpoint cadence, and
/// where its weights came from. Stored as <c>run.json</c> in the run's folder, so <c>--resume</c> continues with exactly
/// the same plan (the cosine schedule depends on <see cref="Steps"/>).
/// </summary>
public sealed record TrainingPlan
{
    public const string FileName = "run.json";

    /// <summary>Steps of the whole run (all segments together).</summary>
    public int Steps { get; set; } = 200;
    public int Batch { get; set; } = 4;
    public int Sequence { get; set; } = 64;
    public float LearningRate { get; set; } = 3e-4f;

    /// <summary>Linear warm-up steps; 0: a twentieth of <see cref="Steps"/>.</summary>
    public int WarmupSteps { get; set; }

    /// <summary>Dev loss every this many steps (and at the end of each segment).</summary>
    public int EvalEvery { get; set; } = 50;

    /// <summary>Dev batches per evaluation; 0: the whole dev split.</summary>
    public int EvalBatches { get; set; }

    /// <summary>Checkpoint every this many steps; 0: only at the end of each segment.</summary>
    public int CheckpointEvery { get; set; }

    /// <summary>Where the starting weights came from: <c>random:SHAPE:SEED</c> or a checkpoint's file name.</summary>
    public string Init { get; set; } = "";

    /// <summary>The corpus folder (train.txt, dev.txt) the run reads.</summary>
    public string Data { get; set; } = "";

    /// <summary>SHA-256 of the corpus's train split when the run started (from its manifest; empty for a corpus without one).</summary>
    public string Dataset { get; set; } = "";

    [JsonIgnore] public int EffectiveWarmup => WarmupSteps > 0 ? WarmupSteps : Math.Max(1, Steps / 20);

    public TrainingSettings OptimizerSettings() => new() { LearningRate = LearningRate, TotalSteps = Steps, WarmupSteps = EffectiveWarmup };

    /// <summary>Refuses plans that cannot run, naming the setting.</summary>
    public void Validate()
    {
        if (Steps < 1) throw new ArgumentException($"--steps must be at least 1 (got {Steps}).");
        if (Batch < 1) throw new ArgumentException($"--batch must be at least 1 (got {Batch}).");
        if (Sequence < 2) throw new ArgumentException($"--seq must be at least 2 (got {Sequence}).");
        if (!float.IsFinite(LearningRate) || LearningRate <= 0) throw new ArgumentException($"--lr must be positive (got {LearningRate}).");
        if (EvalEvery < 1) throw new ArgumentException($"--eval-every must be at least 1 (got {EvalEvery}).");
        if (EvalBatches < 0) throw new ArgumentException($"--eval-batches must be 0 (all) or positive (got {EvalBatches}).");
        if (CheckpointEvery < 0) throw new ArgumentException($"--checkpoint-every must be 0 (only at the end) or positive (got {CheckpointEvery}).");
    }

    public void Save(string folder) => JsonFile.Write(Path.Combine(folder, FileName), this, TrainingJson.Default.TrainingPlan);

    public static TrainingPlan Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"'{folder}' has no {FileName}: it is not a training run's folder.");
        return JsonFile.Read(path, TrainingJson.Default.TrainingPlan);
    }
}
