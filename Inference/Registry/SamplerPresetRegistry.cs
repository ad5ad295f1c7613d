using TextGameGen.Contracts.Sampling;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TextGameGen.Inference.Sampling;

namespace TextGameGen.Inference.Registry;

/// <summary>A generator's sampler settings for stories, versioned apart from its models.</summary>
public sealed record SamplerPreset(float Temperature, int TopK, float TopP, float RepetitionPenalty, int RepetitionPenaltyRange)
{
    public SamplerSettings ToSettings() => new()
    {
        Temperature = Temperature, TopK = TopK, TopP = TopP, RepetitionPenalty = RepetitionPenalty, RepetitionPenaltyRange = RepetitionPenaltyRange,
    };
}

/// <summary>One stored preset version.</summary>
public sealed record SamplerPresetVersion(string Version, SamplerPreset Preset, string Note, string Utc, bool Active);

/// <summary>
/// Sampler presets in the model registry: <c>models/&lt;generator&gt;/presets.json</c> holds numbered versions (p1, p2,
/// ...) and which one is active. Servers following the registry use the active preset for new passages, so better
/// settings reach players without retraining or a restart; activating an older version rolls back.
/// </summary>
public sealed class SamplerPresetRegistry(string root)
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public string Root { get; } = root;

    /// <summary>Stores a new version (refused when its settings are out of range); activates it unless told not to.</summary>
    public string Add(string generator, SamplerPreset preset, string note, bool activate = true)
    {
        if (preset.ToSettings().Validate() is { } error) throw new ArgumentException($"Preset refused: {error}");
        var state = State(generator);
        var versions = state["versions"] as JsonObject ?? [];
        state["versions"] = versions;
        string version = $"p{versions.Count + 1}";
        versions[version] = new JsonObject
        {
            ["temperature"] = preset.Temperature,
            ["top_k"] = preset.TopK,
            ["top_p"] = preset.TopP,
            ["repetition_penalty"] = preset.RepetitionPenalty,
            ["repetition_range"] = preset.RepetitionPenaltyRange,
            ["note"] = note,
            ["utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        Save(generator, state);
        if (activate) Activate(generator, version);
        return version;
    }

    /// <summary>Makes a version the active one (an older one: a rollback); the change is logged in the file's history.</summary>
    public void Activate(string generator, string version)
    {
        var state = State(generator);
        if (state["versions"]?[version] is null) throw new ArgumentException($"{generator} has no sampler preset '{version}'. Presets: {string.Join(", ", List(generator).Select(p => p.Version))}.");
        var history = state["history"] as JsonArray ?? [];
        state["history"] = history;
        history.Add(new JsonObject { ["active"] = version, ["previous"] = state["active"]?.GetValue<string>(), ["utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture) });
        state["active"] = version;
        Save(generator, state);
    }

    /// <summary>The active preset, or null when the generator has none.</summary>
    public (string Version, SamplerPreset Preset)? Active(string generator)
    {
        var state = State(generator);
        if (state["active"]?.GetValue<string>() is not { } version || state["versions"]?[version] is not JsonObject v) return null;
        return (version, Read(v));
    }

    public IReadOnlyList<SamplerPresetVersion> List(string generator)
    {
        var state = State(generator);
        var active = state["active"]?.GetValue<string>();
        return state["versions"] is JsonObject versions
            ? [.. versions.Select(kv => new SamplerPresetVersion(kv.Key, Read(kv.Value!.AsObject()), kv.Value!["note"]?.GetValue<string>() ?? "", kv.Value!["utc"]?.GetValue<string>() ?? "", kv.Key == active))]
            : [];
    }

    private static SamplerPreset Read(JsonObject v) => new(
        v["temperature"]!.GetValue<float>(), v["top_k"]!.GetValue<int>(), v["top_p"]!.GetValue<float>(),
        v["repetition_penalty"]!.GetValue<float>(), v["repetition_range"]!.GetValue<int>());

    private string PathOf(string generator)
    {
        if (string.IsNullOrWhiteSpace(generator) || generator.Any(c => !(char.IsLetterOrDigit(c) || c is '-' or '_')))
            throw new ArgumentException($"A generator name uses letters, digits, '-' and '_' (got '{generator}').");
        return System.IO.Path.Combine(Root, generator, "presets.json");
    }

    private JsonObject State(string generator)
    {
        var path = PathOf(generator);
        return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!.AsObject() : [];
    }

    private void Save(string generator, JsonObject state)
    {
        var path = PathOf(generator);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path + ".tmp", state.ToJsonString(s_indented));
        File.Move(path + ".tmp", path, overwrite: true); // atomic for readers
    }
}
