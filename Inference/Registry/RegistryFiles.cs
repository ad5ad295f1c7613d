using TextGameGen.Contracts.Sampling;

namespace TextGameGen.Inference.Registry;

/// <summary><c>ROOT/&lt;generator&gt;/registry.json</c>: the production version and every promotion and rollback.</summary>
public sealed record RegistryState
{
    public string? Production { get; set; }
    public List<PromotionRecord> History { get; set; } = [];
}

public sealed record PromotionRecord(string Version, string? Previous, string Utc, string? Override = null, bool Rollback = false);

/// <summary><c>ROOT/&lt;generator&gt;/presets.json</c>: numbered sampler presets and which one is active.</summary>
public sealed record PresetFile
{
    public string? Active { get; set; }
    public Dictionary<string, PresetEntry> Versions { get; set; } = [];
    public List<PresetActivation> History { get; set; } = [];
}

public sealed record PresetEntry(SamplerSettings Sampler, string Note, string Utc);

public sealed record PresetActivation(string Active, string? Previous, string Utc);

/// <summary><c>ROOT/&lt;generator&gt;/&lt;version&gt;/load-failures.json</c>: servers that could not load this version, and why.</summary>
public sealed record LoadFailure(string Utc, string Host, string Message);
