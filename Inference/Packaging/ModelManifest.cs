namespace TextGameGen.Inference.Packaging;

/// <summary><c>manifest.json</c> of a model directory: how the model was made, its format, file hashes and, once in the registry, its lineage and metrics.</summary>
public sealed record ModelManifest
{
    public string Format { get; set; } = "onnx";
    public string GraphStyle { get; set; } = "fused";
    public string Precision { get; set; } = "fp32";
    public string Logits { get; set; } = "last_position";
    /// <summary>Weight-only quantization of the matrix multiplies and embedding, if any ("int8", "int8-blocks", "int4-blocks"; see WeightFormat).</summary>
    public string? Quantization { get; set; }
    public long Parameters { get; set; }
    public string CreatedUtc { get; set; } = "";
    public ModelSource Source { get; set; } = new();
    public Dictionary<string, string> Sha256 { get; set; } = [];
    public RegistryEntry? Registry { get; set; }
    public ModelMetrics? Metrics { get; set; }
    public PromotionOverride? PromotionOverride { get; set; }
}

/// <summary>Where a model's weights came from: random (shape, seed), imported, trained (how), quantized (from what).</summary>
public sealed record ModelSource
{
    public string Kind { get; set; } = "unknown";
    public string? Shape { get; set; }
    public int? Seed { get; set; }
    public string? File { get; set; }
    public string? Init { get; set; }
    public int? Steps { get; set; }
    public int? Batch { get; set; }
    public int? Seq { get; set; }
    public float? LearningRate { get; set; }
    public double? TrainerDevLoss { get; set; }
    public double? Seconds { get; set; }
    public string? DatasetSha256 { get; set; }
    public string? QuantizedFrom { get; set; }
}

/// <summary>A registry version's lineage.</summary>
public sealed record RegistryEntry(string Generator, string Version, string AddedUtc, string? ParentVersion, string? DatasetSha256, string? SourceCommit);

public sealed record ModelMetrics(double? DevPerplexity);

/// <summary>A promotion past the quality gate: why, and what the gate had said.</summary>
public sealed record PromotionOverride(string Reason, string Gate, string Utc);
