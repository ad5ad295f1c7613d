using System.Text.Json;
using System.Text.Json.Nodes;
using TextGameGen.Inference.Model;

namespace TextGameGen.Inference.Registry;

/// <summary>
/// The model registry on disk: <c>ROOT/&lt;generator&gt;/&lt;version&gt;/</c> model directories (model.onnx, config.json,
/// manifest.json with metrics and lineage) and <c>ROOT/&lt;generator&gt;/registry.json</c> naming the production
/// version and the promotion history. Promotion is gated on dev perplexity.
/// </summary>
public sealed class ModelRegistry(string root)
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public string Root { get; } = root;

    /// <summary>Copies a model directory in as the generator's next version (v1, v2, ...), recording metrics and lineage.</summary>
    public string Add(string generator, string modelDirectory, double? devPerplexity, string? datasetHash = null, string? parent = null, string? sourceCommit = null)
    {
        ValidateName(generator);
        var source = ModelDirectory.Open(modelDirectory);
        string generatorDir = Path.Combine(Root, generator);
        Directory.CreateDirectory(generatorDir);
        int next = Versions(generator).Select(v => int.Parse(v[1..])).DefaultIfEmpty(0).Max() + 1;
        string version = $"v{next}";
        string target = Path.Combine(generatorDir, version);
        Directory.CreateDirectory(target);
        foreach (var file in new[] { ModelDirectory.ModelFile, ModelDirectory.ConfigFile, ModelDirectory.ManifestFile })
            if (File.Exists(Path.Combine(source.Path, file))) File.Copy(Path.Combine(source.Path, file), Path.Combine(target, file));
        var manifest = source.Manifest.DeepClone().AsObject();
        manifest["registry"] = new JsonObject
        {
            ["generator"] = generator,
            ["version"] = version,
            ["added_utc"] = DateTime.UtcNow.ToString("O"),
            ["parent_version"] = parent,
            ["dataset_sha256"] = datasetHash,
            ["source_commit"] = sourceCommit,
        };
        manifest["metrics"] = new JsonObject { ["dev_perplexity"] = devPerplexity };
        File.WriteAllText(Path.Combine(target, ModelDirectory.ManifestFile), manifest.ToJsonString(s_indented));
        return version;
    }

    public IReadOnlyList<string> Generators() =>
        Directory.Exists(Root) ? Directory.GetDirectories(Root).Select(d => Path.GetFileName(d)).Where(n => Versions(n).Count > 0).ToList() : [];

    public IReadOnlyList<string> Versions(string generator)
    {
        string dir = Path.Combine(Root, generator);
        if (!Directory.Exists(dir)) return [];
        return Directory.GetDirectories(dir).Select(d => Path.GetFileName(d)).Where(n => n.Length > 1 && n[0] == 'v' && int.TryParse(n[1..], out _))
            .OrderBy(n => int.Parse(n[1..])).ToList();
    }

    public JsonObject Manifest(string generator, string version)
    {
        string path = Path.Combine(Root, generator, version, ModelDirectory.ManifestFile);
        if (!File.Exists(path)) throw new ArgumentException($"Generator '{generator}' has no version '{version}'.");
        return JsonNode.Parse(File.ReadAllText(path))!.AsObject();
    }

    public string? Production(string generator) => State(generator)["production"]?.GetValue<string>();

    /// <summary>The production model directory of a generator (what servers load).</summary>
    public string? ProductionPath(string generator) => Production(generator) is { } v ? Path.Combine(Root, generator, v) : null;

    public static double? DevPerplexity(JsonObject manifest) => manifest["metrics"]?["dev_perplexity"]?.GetValue<double?>();

    /// <summary>
    /// Makes a version production if its dev perplexity beats the current production's; otherwise refuses with the
    /// reason, unless <paramref name="overrideReason"/> is given, which is then recorded in the manifest.
    /// </summary>
    public string Promote(string generator, string version, string? overrideReason = null)
    {
        var candidate = Manifest(generator, version);
        string? current = Production(generator);
        if (current == version) return $"{generator} {version} is already production.";
        double? candidatePpl = DevPerplexity(candidate);
        double? currentPpl = current is null ? null : DevPerplexity(Manifest(generator, current));
        string? refusal = candidatePpl is null
            ? $"{version} has no dev perplexity; evaluate it (tgg registry add --dev FILE) or override."
            : currentPpl is not null && candidatePpl >= currentPpl
                ? $"{version} has dev perplexity {candidatePpl:F2}, not better than production {current} at {currentPpl:F2}."
                : null;
        if (refusal is not null && overrideReason is null) throw new InvalidOperationException($"Promotion refused: {refusal}");
        if (refusal is not null)
        {
            candidate["promotion_override"] = new JsonObject { ["reason"] = overrideReason, ["gate"] = refusal, ["utc"] = DateTime.UtcNow.ToString("O") };
            File.WriteAllText(Path.Combine(Root, generator, version, ModelDirectory.ManifestFile), candidate.ToJsonString(s_indented));
        }
        var state = State(generator);
        var history = state["history"]?.AsArray() ?? [];
        history.Add(new JsonObject { ["version"] = version, ["previous"] = current, ["utc"] = DateTime.UtcNow.ToString("O"), ["override"] = overrideReason });
        state["history"] = history;
        state["production"] = version;
        SaveState(generator, state);
        return refusal is null ? $"{generator} {version} is production (was {current ?? "none"})." : $"{generator} {version} is production by override: {overrideReason}";
    }

    /// <summary>Returns production to the version it had before the last promotion.</summary>
    public string Rollback(string generator)
    {
        var state = State(generator);
        var history = state["history"]?.AsArray();
        if (history is null || history.Count == 0) throw new InvalidOperationException($"{generator} has no promotion to roll back.");
        var last = history[^1]!.AsObject();
        string? previous = last["previous"]?.GetValue<string>();
        if (previous is null) throw new InvalidOperationException($"{generator} has no earlier production version to return to.");
        history.Add(new JsonObject { ["version"] = previous, ["previous"] = last["version"]!.GetValue<string>(), ["utc"] = DateTime.UtcNow.ToString("O"), ["rollback"] = true });
        state["production"] = previous;
        SaveState(generator, state);
        return $"{generator} production is back to {previous}.";
    }

    private JsonObject State(string generator)
    {
        string path = Path.Combine(Root, generator, "registry.json");
        return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!.AsObject() : new JsonObject();
    }

    private void SaveState(string generator, JsonObject state)
    {
        string path = Path.Combine(Root, generator, "registry.json");
        string temp = path + ".tmp";
        File.WriteAllText(temp, state.ToJsonString(s_indented));
        File.Move(temp, path, overwrite: true); // atomic: a server reading the file never sees half of it
    }

    private static void ValidateName(string generator)
    {
        if (string.IsNullOrWhiteSpace(generator) || generator.Any(c => !(char.IsLetterOrDigit(c) || c is '-' or '_')))
            throw new ArgumentException($"A generator name uses letters, digits, '-' and '_' (got '{generator}').");
    }
}
