using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using TextGameGen.Inference.Onnx;
using TextGameGen.Contracts.Tokenization;

namespace TextGameGen.Inference.Model;

/// <summary>
/// A model on disk: <c>model.onnx</c>, <c>config.json</c> (shape, vocabulary, special tokens) and
/// <c>manifest.json</c> (how it was made, its format and file hashes).
/// </summary>
public sealed class ModelDirectory
{
    public const string ModelFile = "model.onnx";
    public const string ConfigFile = "config.json";
    public const string ManifestFile = "manifest.json";

    private ModelDirectory(string path, Gpt2Config config, JsonObject manifest)
    {
        Path = path;
        Config = config;
        Manifest = manifest;
    }

    public string Path { get; }
    public Gpt2Config Config { get; }
    public JsonObject Manifest { get; }
    public string ModelPath => System.IO.Path.Combine(Path, ModelFile);

    /// <summary>Writes the ONNX model, config and manifest; <paramref name="source"/> says where the weights came from.</summary>
    public static ModelDirectory Save(string path, Gpt2Weights weights, OnnxExportOptions options, JsonObject source)
    {
        Directory.CreateDirectory(path);
        string modelPath = System.IO.Path.Combine(path, ModelFile);
        Gpt2OnnxWriter.Write(weights, modelPath, options);
        var config = JsonNode.Parse(weights.Config.ToJson())!.AsObject();
        config["model_type"] = "gpt2";
        config["layer_norm_epsilon"] = Gpt2Config.LayerNormEpsilon;
        config["eos_token_id"] = StoryTokens.EndOfTextId;
        config["special_tokens"] = new JsonObject(StoryTokens.All.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        File.WriteAllText(System.IO.Path.Combine(path, ConfigFile), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var manifest = new JsonObject
        {
            ["format"] = "onnx",
            ["graph_style"] = options.Style.ToString().ToLowerInvariant(),
            ["precision"] = options.Float16 ? "fp16" : "fp32",
            ["logits"] = options.Logits == LogitsScope.LastPosition ? "last_position" : "all_positions",
            ["parameters"] = weights.Config.ParameterCount,
            ["created_utc"] = DateTime.UtcNow.ToString("O"),
            ["source"] = source,
            ["sha256"] = new JsonObject { [ModelFile] = Sha256(modelPath) },
        };
        File.WriteAllText(System.IO.Path.Combine(path, ManifestFile), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return new ModelDirectory(path, weights.Config, manifest);
    }

    /// <summary>Opens a model directory, with a clear message for what is missing.</summary>
    public static ModelDirectory Open(string path)
    {
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"Model directory '{path}' does not exist.");
        string configPath = System.IO.Path.Combine(path, ConfigFile);
        if (!File.Exists(System.IO.Path.Combine(path, ModelFile))) throw new FileNotFoundException($"'{path}' has no {ModelFile}.");
        if (!File.Exists(configPath)) throw new FileNotFoundException($"'{path}' has no {ConfigFile}.");
        var config = Gpt2Config.FromJson(File.ReadAllText(configPath));
        string manifestPath = System.IO.Path.Combine(path, ManifestFile);
        var manifest = File.Exists(manifestPath) ? JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject() : new JsonObject();
        return new ModelDirectory(path, config, manifest);
    }

    public static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
