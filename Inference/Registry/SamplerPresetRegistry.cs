using System.Globalization;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Inference.Packaging;

namespace TextGameGen.Inference.Registry;

/// <summary>One stored preset version.</summary>
public sealed record SamplerPresetVersion(string Version, SamplerSettings Sampler, string Note, string Utc, bool Active);

/// <summary>
/// Sampler presets in the model registry: <c>models/&lt;generator&gt;/presets.json</c> holds numbered versions (p1, p2,
/// ...) and which one is active. Servers following the registry use the active preset for new passages, so better
/// settings reach players without retraining or a restart; activating an older version rolls back.
/// </summary>
public sealed class SamplerPresetRegistry(string root)
{
    public const string PresetsFile = "presets.json";

    public string Root { get; } = root;

    /// <summary>Stores a new version (refused when its settings are out of range); activates it unless told not to.</summary>
    public string Add(string generator, SamplerSettings sampler, string note, bool activate = true)
    {
        if (sampler.Validate() is { } error) throw new ArgumentException($"Preset refused: {error}");
        var file = Read(generator);
        string version = $"p{file.Versions.Count + 1}";
        file.Versions[version] = new PresetEntry(sampler, note, Now());
        Save(generator, file);
        if (activate) Activate(generator, version);
        return version;
    }

    /// <summary>Makes a version the active one (an older one: a rollback); the change is logged in the file's history.</summary>
    public void Activate(string generator, string version)
    {
        var file = Read(generator);
        if (!file.Versions.ContainsKey(version))
            throw new ArgumentException($"{generator} has no sampler preset '{version}'. Presets: {string.Join(", ", file.Versions.Keys)}.");
        Save(generator, file with { Active = version, History = [.. file.History, new PresetActivation(version, file.Active, Now())] });
    }

    /// <summary>The active preset, or null when the generator has none.</summary>
    public (string Version, SamplerSettings Sampler)? Active(string generator)
    {
        var file = Read(generator);
        return file.Active is { } v && file.Versions.TryGetValue(v, out var entry) ? (v, entry.Sampler) : null;
    }

    public IReadOnlyList<SamplerPresetVersion> List(string generator)
    {
        var file = Read(generator);
        return [.. file.Versions.Select(kv => new SamplerPresetVersion(kv.Key, kv.Value.Sampler, kv.Value.Note, kv.Value.Utc, kv.Key == file.Active))];
    }

    private string PathOf(string generator)
    {
        ModelRegistry.ValidateName(generator);
        return Path.Combine(Root, generator, PresetsFile);
    }

    private PresetFile Read(string generator)
    {
        var path = PathOf(generator);
        return File.Exists(path) ? JsonFile.Read(path, RegistryJson.Default.PresetFile) : new PresetFile();
    }

    private void Save(string generator, PresetFile file)
    {
        var path = PathOf(generator);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        JsonFile.Write(path, file, RegistryJson.Default.PresetFile);
    }

    private static string Now() => DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
}
