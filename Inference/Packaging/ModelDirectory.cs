using System.Security.Cryptography;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;

namespace TextGameGen.Inference.Packaging;

/// <summary>
/// A model on disk: <c>model.onnx</c>, <c>config.json</c> (shape, vocabulary, special tokens) and
/// <c>manifest.json</c> (how it was made, its format and file hashes).
/// </summary>
public sealed class ModelDirectory
{
    public const string ModelFile = "model.onnx";
    public const string ConfigFile = "config.json";
    public const string ManifestFile = "manifest.json";

    private ModelDirectory(string path, Gpt2Config config, ModelManifest manifest)
    {
        Path = path;
        Config = config;
        Manifest = manifest;
    }

    public string Path { get; }
    public Gpt2Config Config { get; }
    public ModelManifest Manifest { get; }
    public string ModelPath => System.IO.Path.Combine(Path, ModelFile);

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
        return new ModelDirectory(path, config, manifest);
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
