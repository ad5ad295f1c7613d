using System.Security.Cryptography;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;

namespace TextGameGen.Inference.Packaging;

/// <summary>
/// A model on disk: <c>model.onnx</c>, <c>config.json</c> (shape, vocabulary, special tokens) and
/// <c>manifest.json</c> (how it was made, its format and file hashes); optionally <c>names.txt</c>, the character
/// names of the books it learnt from, one per line, which the game keeps out of passages.
/// </summary>
public sealed class ModelDirectory
{
    public const string ModelFile = "model.onnx";
    public const string ConfigFile = "config.json";
    public const string ManifestFile = "manifest.json";
    public const string NamesFile = "names.txt";

    private ModelDirectory(string path, Gpt2Config config, ModelManifest manifest, IReadOnlyList<string>? names = null)
    {
        Names = names ?? [];
        Path = path;
        Config = config;
        Manifest = manifest;
    }

    public string Path { get; }
    public Gpt2Config Config { get; }
    public ModelManifest Manifest { get; }
    public string ModelPath => System.IO.Path.Combine(Path, ModelFile);

    /// <summary>The book names of <c>names.txt</c> (empty without one).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Writes the ONNX model, config and manifest; <paramref name="source"/> says where the weights came from.</summary>
    public static ModelDirectory Save(string path, Gpt2Weights weights, OnnxExportOptions options, ModelSource source)
    {
        Directory.CreateDirectory(path);
        string modelPath = System.IO.Path.Combine(path, ModelFile);
        Gpt2OnnxWriter.Write(weights, modelPath, options);
        ModelConfigFile.Write(System.IO.Path.Combine(path, ConfigFile), weights.Config);
        var manifest = new ModelManifest
        {
            GraphStyle = options.Style.ToString().ToLowerInvariant(),
            Precision = options.Float16 ? "fp16" : "fp32",
            Quantization = options.Weights == WeightFormat.Float ? null : options.Weights.Name(),
            Logits = options.Logits == LogitsScope.LastPosition ? "last_position" : "all_positions",
            Parameters = weights.Config.ParameterCount,
            CreatedUtc = DateTime.UtcNow.ToString("O"),
            Source = source,
            Sha256 = new() { [ModelFile] = Sha256(modelPath) },
        };
        WriteManifest(path, manifest);
        return new ModelDirectory(path, weights.Config, manifest);
    }

    /// <summary>Opens a model directory, with a clear message for what is missing or not readable.</summary>
    public static ModelDirectory Open(string path)
    {
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"Model directory '{path}' does not exist.");
        string configPath = System.IO.Path.Combine(path, ConfigFile);
        if (!File.Exists(System.IO.Path.Combine(path, ModelFile))) throw new FileNotFoundException($"'{path}' has no {ModelFile}.");
        if (!File.Exists(configPath)) throw new FileNotFoundException($"'{path}' has no {ConfigFile}.");
        var config = ModelConfigFile.Read(configPath);
        string manifestPath = System.IO.Path.Combine(path, ManifestFile);
        var manifest = File.Exists(manifestPath) ? ReadManifest(manifestPath) : new ModelManifest();
        return new ModelDirectory(path, config, manifest, ReadNames(path));
    }

    /// <summary>The names of <c>names.txt</c> in <paramref name="directory"/>: one per line, blank lines and <c>#</c> comments skipped.</summary>
    public static IReadOnlyList<string> ReadNames(string directory)
    {
        string file = System.IO.Path.Combine(directory, NamesFile);
        return File.Exists(file) ? [.. File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))] : [];
    }

    /// <summary>Writes <c>names.txt</c> and records its hash in the manifest.</summary>
    public static void WriteNames(string directory, IEnumerable<string> names, string header)
    {
        string file = System.IO.Path.Combine(directory, NamesFile);
        File.WriteAllLines(file, [.. header.Split('\n').Select(l => "# " + l), .. names]);
        RecordNamesHash(directory);
    }

    /// <summary>Copies <c>names.txt</c> (when there is one) from one model directory to another, recording its hash.</summary>
    public static void CopyNames(string from, string to)
    {
        string file = System.IO.Path.Combine(from, NamesFile);
        if (!File.Exists(file)) return;
        File.Copy(file, System.IO.Path.Combine(to, NamesFile), overwrite: true);
        RecordNamesHash(to);
    }

    private static void RecordNamesHash(string directory)
    {
        string manifestPath = System.IO.Path.Combine(directory, ManifestFile);
        if (!File.Exists(manifestPath)) return;
        var manifest = ReadManifest(manifestPath);
        WriteManifest(directory, manifest with { Sha256 = new(manifest.Sha256) { [NamesFile] = Sha256(System.IO.Path.Combine(directory, NamesFile)) } });
    }

    public static ModelManifest ReadManifest(string path) => JsonFile.Read(path, PackagingJson.Default.ModelManifest);

    public static void WriteManifest(string directory, ModelManifest manifest) =>
        JsonFile.Write(System.IO.Path.Combine(directory, ManifestFile), manifest, PackagingJson.Default.ModelManifest);

    public static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
