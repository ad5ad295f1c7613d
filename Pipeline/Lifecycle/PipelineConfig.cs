using System.Text.Json;
using System.Text.Json.Serialization;

namespace TextGameGen.Pipeline.Lifecycle;

/// <summary>A <c>tgg pipeline run</c> configuration (JSON). Relative paths are relative to the config file.</summary>
public sealed record PipelineConfig
{
    [JsonPropertyName("generator")] public string Generator { get; init; } = "fantasy";
    [JsonPropertyName("inputs")] public string[] Inputs { get; init; } = [];
    [JsonPropertyName("work_dir")] public string WorkDir { get; init; } = "artifacts/pipeline";
    [JsonPropertyName("registry_root")] public string RegistryRoot { get; init; } = "models";
    [JsonPropertyName("seed")] public int Seed { get; init; } = 1;
    [JsonPropertyName("split")] public int[] Split { get; init; } = [90, 5, 5];
    [JsonPropertyName("shape")] public string? Shape { get; init; }
    [JsonPropertyName("layers")] public int? Layers { get; init; }
    [JsonPropertyName("heads")] public int? Heads { get; init; }
    [JsonPropertyName("width")] public int? Width { get; init; }
    [JsonPropertyName("context")] public int? Context { get; init; }
    [JsonPropertyName("init")] public string? Init { get; init; }
    [JsonPropertyName("steps")] public int Steps { get; init; } = 200;
    [JsonPropertyName("batch")] public int Batch { get; init; } = 4;
    [JsonPropertyName("seq")] public int Seq { get; init; } = 64;
    [JsonPropertyName("learning_rate")] public float LearningRate { get; init; } = 3e-4f;
    [JsonPropertyName("fp16")] public bool Float16 { get; init; }
    [JsonPropertyName("eval_max_lines")] public int EvalMaxLines { get; init; }
    [JsonPropertyName("promote")] public bool Promote { get; init; } = true;

    public static PipelineConfig Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Pipeline config '{path}' does not exist.");
        var config = JsonSerializer.Deserialize<PipelineConfig>(File.ReadAllText(path)) ?? throw new InvalidDataException($"'{path}' is empty.");
        string baseDir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string Resolve(string p) => Path.IsPathRooted(p) ? p : Path.GetFullPath(Path.Combine(baseDir, p));
        config = config with
        {
            Inputs = config.Inputs.Select(Resolve).ToArray(),
            WorkDir = Resolve(config.WorkDir),
            RegistryRoot = Resolve(config.RegistryRoot),
            Init = config.Init is null ? null : Resolve(config.Init),
        };
        if (config.Inputs.Length == 0) throw new ArgumentException("The pipeline config names no inputs.");
        if (config.Split.Length != 3) throw new ArgumentException("split must be three percentages, like [90, 5, 5].");
        return config;
    }
}
