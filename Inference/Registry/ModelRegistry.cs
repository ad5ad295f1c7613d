using System.Globalization;
using TextGameGen.Inference.Packaging;

namespace TextGameGen.Inference.Registry;

/// <summary>
/// The model registry on disk: <c>ROOT/&lt;generator&gt;/&lt;version&gt;/</c> model directories (model.onnx, config.json,
/// manifest.json with metrics and lineage) and <c>ROOT/&lt;generator&gt;/registry.json</c> naming the production
/// version and the promotion history. Promotion is gated on dev perplexity.
/// </summary>
public sealed class ModelRegistry(string root)
{
    public const string StateFile = "registry.json";
    public const string LoadFailuresFile = "load-failures.json";

    public string Root { get; } = root;

    /// <summary>Copies a model directory in as the generator's next version (v1, v2, ...), recording metrics and lineage.</summary>
    public string Add(string generator, string modelDirectory, double? devPerplexity, string? datasetHash = null, string? parent = null, string? sourceCommit = null)
    {
        ValidateName(generator);
        var source = ModelDirectory.Open(modelDirectory);
        string generatorDir = Path.Combine(Root, generator);
        Directory.CreateDirectory(generatorDir);
        int next = Versions(generator).Select(v => int.Parse(v[1..], CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max() + 1;
        string version = $"v{next}";
        string target = Path.Combine(generatorDir, version);
        Directory.CreateDirectory(target);
        foreach (var file in new[] { ModelDirectory.ModelFile, ModelDirectory.ConfigFile })
            File.Copy(Path.Combine(source.Path, file), Path.Combine(target, file));
        if (File.Exists(Path.Combine(source.Path, ModelDirectory.NamesFile))) // optional; its hash is in the source's manifest
            File.Copy(Path.Combine(source.Path, ModelDirectory.NamesFile), Path.Combine(target, ModelDirectory.NamesFile));
        ModelDirectory.WriteManifest(target, source.Manifest with
        {
            Registry = new RegistryEntry(generator, version, Now(), parent, datasetHash, sourceCommit),
            Metrics = new ModelMetrics(devPerplexity),
        });
        return version;
    }

    public IReadOnlyList<string> Generators() =>
        Directory.Exists(Root) ? [.. Directory.GetDirectories(Root).Select(d => Path.GetFileName(d)).Where(n => Versions(n).Count > 0)] : [];

    public IReadOnlyList<string> Versions(string generator)
    {
        string dir = Path.Combine(Root, generator);
        if (!Directory.Exists(dir)) return [];
        return [.. Directory.GetDirectories(dir).Select(d => Path.GetFileName(d)).Where(n => n.Length > 1 && n[0] == 'v' && int.TryParse(n[1..], out _))
            .OrderBy(n => int.Parse(n[1..], CultureInfo.InvariantCulture))];
    }

    public ModelManifest Manifest(string generator, string version)
    {
        string path = Path.Combine(VersionPath(generator, version), ModelDirectory.ManifestFile);
        if (!File.Exists(path)) throw new ArgumentException($"Generator '{generator}' has no version '{version}'.");
        return ModelDirectory.ReadManifest(path);
    }

    public string? Production(string generator) => State(generator).Production;

    /// <summary>The production model directory of a generator (what servers load).</summary>
    public string? ProductionPath(string generator) => Production(generator) is { } v ? VersionPath(generator, v) : null;

    public string VersionPath(string generator, string version) => Path.Combine(Root, generator, version);

    /// <summary>How much dev perplexity a quantized copy of production may add and still pass the gate (2%).</summary>
    public const double QuantizedTolerance = 0.02;

    /// <summary>
    /// Makes a version production if its dev perplexity beats the current production's (a quantized copy of
    /// production, added with <c>--parent</c> production: if within <see cref="QuantizedTolerance"/> of it); otherwise
    /// refuses with the reason, unless <paramref name="overrideReason"/> is given, which is then recorded in the manifest.
    /// With <paramref name="sameLines"/> (both measured on the same lines), the gate compares those instead of the
    /// recorded dev perplexities, which may come from different dev splits.
    /// </summary>
    public PromotionDecision Promote(string generator, string version, string? overrideReason = null, SameLinesComparison? sameLines = null)
    {
        var candidate = Manifest(generator, version);
        var state = State(generator);
        string? current = state.Production;
        if (current == version) return new PromotionDecision(true, $"{generator} {version} is already production.");
        double? candidatePpl = sameLines?.Candidate ?? candidate.Metrics?.DevPerplexity;
        double? currentPpl = current is null ? null : sameLines?.Production ?? Manifest(generator, current).Metrics?.DevPerplexity;
        string on = sameLines is null ? "" : $" on {sameLines.Data}";
        // A quantized copy of production is the same model, smaller and faster: it may cost a little perplexity.
        bool quantizedProduction = candidate.Quantization is not null && current is not null && candidate.Registry?.ParentVersion == current;
        string? refusal = candidatePpl is null
            ? $"{version} has no dev perplexity; evaluate it (tgg registry add --dev FILE) or override."
            : currentPpl is null ? null
            : quantizedProduction
                ? (candidatePpl > currentPpl * (1 + QuantizedTolerance)
                    ? $"{version} ({candidate.Quantization} of {current}) has dev perplexity {candidatePpl:F2}{on}, more than {QuantizedTolerance * 100:F0}% above production {current} at {currentPpl:F2}."
                    : null)
                : candidatePpl >= currentPpl
                    ? $"{version} has dev perplexity {candidatePpl:F2}{on}, not better than production {current} at {currentPpl:F2}."
                    : null;
        if (refusal is not null && overrideReason is null) return PromotionDecision.Refused(refusal);
        if (refusal is not null)
            ModelDirectory.WriteManifest(VersionPath(generator, version), candidate with { PromotionOverride = new PromotionOverride(overrideReason!, refusal, Now()) });
        SaveState(generator, state with
        {
            Production = version,
            History = [.. state.History, new PromotionRecord(version, current, Now(), overrideReason)],
        });
        return new PromotionDecision(true, refusal is null
            ? $"{generator} {version} is production (was {current ?? "none"}{(sameLines is null || current is null ? "" : $"; {sameLines.Candidate:F2} against {sameLines.Production:F2}{on}")})."
            : $"{generator} {version} is production by override: {overrideReason}");
    }

    /// <summary>Returns production to the version it had before the last promotion.</summary>
    public string Rollback(string generator)
    {
        var state = State(generator);
        if (state.History.Count == 0) throw new InvalidOperationException($"{generator} has no promotion to roll back.");
        var last = state.History[^1];
        if (last.Previous is not { } previous) throw new InvalidOperationException($"{generator} has no earlier production version to return to.");
        SaveState(generator, state with
        {
            Production = previous,
            History = [.. state.History, new PromotionRecord(previous, last.Version, Now(), Rollback: true)],
        });
        return $"{generator} production is back to {previous}.";
    }

    /// <summary>Records that a server could not load a version (the version it already serves goes on).</summary>
    public void RecordLoadFailure(string generator, string version, string message)
    {
        string path = Path.Combine(VersionPath(generator, version), LoadFailuresFile);
        var failures = LoadFailures(generator, version);
        JsonFile.Write(path, [.. failures, new LoadFailure(Now(), Environment.MachineName, message)], RegistryJson.Default.ListLoadFailure);
    }

    public IReadOnlyList<LoadFailure> LoadFailures(string generator, string version)
    {
        string path = Path.Combine(VersionPath(generator, version), LoadFailuresFile);
        return File.Exists(path) ? JsonFile.Read(path, RegistryJson.Default.ListLoadFailure) : [];
    }

    private RegistryState State(string generator)
    {
        string path = Path.Combine(Root, generator, StateFile);
        return File.Exists(path) ? JsonFile.Read(path, RegistryJson.Default.RegistryState) : new RegistryState();
    }

    private void SaveState(string generator, RegistryState state) => JsonFile.Write(Path.Combine(Root, generator, StateFile), state, RegistryJson.Default.RegistryState);

    private static string Now() => DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>Refuses a generator name that is not letters, digits, '-' and '_' (it names a folder).</summary>
    public static void ValidateName(string generator)
    {
        if (string.IsNullOrWhiteSpace(generator) || generator.Any(c => !(char.IsLetterOrDigit(c) || c is '-' or '_')))
            throw new ArgumentException($"A generator name uses letters, digits, '-' and '_' (got '{generator}').");
    }
}
