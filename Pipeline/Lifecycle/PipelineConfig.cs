using System.Text.Json.Serialization;
using TextGameGen.Inference.Packaging;
using TextGameGen.Inference.Registry;

namespace TextGameGen.Pipeline.Lifecycle;

/// <summary>
/// A <c>tgg pipeline run</c> configuration (JSON, snake_case keys; an unknown key is an error). Relative paths are
/// relative to the config file. The work folder defaults to <c>artifacts/pipeline/&lt;generator&gt;</c> beside the
/// registry root, so a copied config with another generator name never writes over another generator's corpus.
/// </summary>
public sealed record PipelineConfig
{
    public string Generator { get; set; } = "fantasy";
    public string[] Inputs { get; set; } = [];
    /// <summary>Earlier corpora's held-out.sha256 files: their dev and test lines stay out of this training split.</summary>
    public string[] HeldOut { get; set; } = [];
    public string? WorkDir { get; set; }
    public string RegistryRoot { get; set; } = "models";
    public int Seed { get; set; } = 1;
    public int[] Split { get; set; } = [90, 5, 5];
    public string? Shape { get; set; }
    public int? Layers { get; set; }
    public int? Heads { get; set; }
    public int? Width { get; set; }
    public int? Context { get; set; }
    public string? Init { get; set; }
    public int Steps { get; set; } = 200;
    public int Batch { get; set; } = 4;
    public int Seq { get; set; } = 64;
    public float LearningRate { get; set; } = 3e-4f;
    /// <summary>Dev loss every this many steps (0: at the end only).</summary>
    public int EvalEvery { get; set; }
    /// <summary>Dev batches per evaluation during training (0: the whole dev split).</summary>
    public int EvalBatches { get; set; }
    /// <summary>Checkpoint every this many steps (0: at the end only); an interrupted run continues from the last one.</summary>
    public int CheckpointEvery { get; set; }
    public bool Fp16 { get; set; }
    public int EvalMaxLines { get; set; }
    public bool Promote { get; set; } = true;

    /// <summary>The file as written: paths relative to it, nothing checked.</summary>
    public static PipelineConfig ReadFile(string path) => JsonFile.Read(path, PipelineJson.Default.PipelineConfig);

    /// <summary>Writes a config file (keys left at null are left out).</summary>
    public void WriteFile(string path) => JsonFile.Write(path, this, PipelineJson.Default.PipelineConfig);

    /// <summary>Reads and checks a config, with every path made absolute.</summary>
    public static PipelineConfig Load(string path)
    {
        var config = ReadFile(path);
        string baseDir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string Resolve(string p) => Path.IsPathRooted(p) ? p : Path.GetFullPath(Path.Combine(baseDir, p));
        if (config.Inputs.Length == 0) throw new ArgumentException($"'{path}' names no inputs.");
        if (config.Split.Length != 3) throw new ArgumentException($"'{path}': split must be three percentages, like [90, 5, 5].");
        if (config.Steps < 1 || config.Batch < 1 || config.Seq < 2) throw new ArgumentException($"'{path}': steps and batch must be at least 1, seq at least 2.");
        if (config.EvalEvery < 0 || config.EvalBatches < 0 || config.CheckpointEvery < 0) throw new ArgumentException($"'{path}': eval_every, eval_batches and checkpoint_every must be 0 or more.");
        ModelRegistry.ValidateName(config.Generator);
        var registryRoot = Resolve(config.RegistryRoot);
        return config with
        {
            Inputs = [.. config.Inputs.Select(Resolve)],
            HeldOut = [.. config.HeldOut.Select(Resolve)],
            RegistryRoot = registryRoot,
            WorkDir = config.WorkDir is { } w ? Resolve(w) : Path.Combine(Path.GetDirectoryName(registryRoot)!, "artifacts", "pipeline", config.Generator),
            Init = config.Init is null ? null : Resolve(config.Init),
        };
    }
}

/// <summary>The pipeline config, read by source-generated System.Text.Json.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PipelineConfig))]
internal sealed partial class PipelineJson : JsonSerializerContext;
