using TextGameGen.Inference.Model;

namespace TextGameGen.Inference.Checkpoints;

/// <summary>
/// Turns a Hugging Face GPT-2 <c>model.safetensors</c> into <see cref="Gpt2Weights"/>, adding rows
/// to the embedding for the story tokens.
/// </summary>
public static class HuggingFaceGpt2Import
{
    /// <summary>Imports a checkpoint. The shape is read from the tensors; the vocabulary grows to <paramref name="vocabularySize"/>.</summary>
    /// <remarks>
    /// The head count is not stored in the tensors: it comes from <paramref name="heads"/>, else from a Hugging Face
    /// <c>config.json</c> beside the file (<c>n_head</c>), else from GPT-2's 64-wide heads.
    /// </remarks>
    public static Gpt2Weights Import(string safetensorsPath, int? heads = null, int vocabularySize = Gpt2Config.StoryVocabularySize)
    {
        var tensors = SafetensorsFile.Read(safetensorsPath, out _);
        heads ??= ReadHeadsFromConfig(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(safetensorsPath))!, "config.json"));
        return FromTensors(tensors, heads, vocabularySize);
    }

    private static int? ReadHeadsFromConfig(string path)
    {
        if (!File.Exists(path)) return null;
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path));
        return node?["n_head"]?.GetValue<int>();
    }

    public static Gpt2Weights FromTensors(IEnumerable<NamedTensor> tensors, int? heads = null, int vocabularySize = Gpt2Config.StoryVocabularySize)
    {
        var byName = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            // GPT2LMHeadModel checkpoints prefix the body with "transformer."; the LM head is tied to wte,
            // and attn.bias / attn.masked_bias are causal-mask buffers, not weights.
            string name = t.Name.StartsWith("transformer.", StringComparison.Ordinal) ? t.Name["transformer.".Length..] : t.Name;
            if (name == "lm_head.weight" || name.EndsWith(".attn.bias", StringComparison.Ordinal) || name.EndsWith(".attn.masked_bias", StringComparison.Ordinal))
                continue;
            byName[name] = new NamedTensor(name, t.Shape, t.Data);
        }
        if (!byName.TryGetValue("wte.weight", out var wte) || !byName.TryGetValue("wpe.weight", out var wpe))
            throw new InvalidDataException("Not a GPT-2 checkpoint: wte.weight or wpe.weight is missing.");
        int width = wte.Shape[1];
        int layers = 0;
        while (byName.ContainsKey($"h.{layers}.ln_1.weight")) layers++;
        int headCount = heads ?? GuessHeads(width);
        if (wte.Shape[0] > vocabularySize)
            throw new InvalidDataException($"The checkpoint's vocabulary ({wte.Shape[0]}) is larger than {vocabularySize}.");
        if (wte.Shape[0] < vocabularySize)
            byName["wte.weight"] = ResizeEmbedding(wte, vocabularySize);
        var config = new Gpt2Config(layers, headCount, width, wpe.Shape[0], vocabularySize);
        return new Gpt2Weights(config, byName.Values);
    }

    /// <summary>New rows start at the mean of the existing embeddings, a common choice for added tokens.</summary>
    private static NamedTensor ResizeEmbedding(NamedTensor wte, int rows)
    {
        int oldRows = wte.Shape[0], width = wte.Shape[1];
        var data = new float[(long)rows * width];
        Array.Copy(wte.Data, data, wte.Data.LongLength);
        var mean = new double[width];
        for (int r = 0; r < oldRows; r++)
            for (int c = 0; c < width; c++) mean[c] += wte.Data[(long)r * width + c];
        for (int r = oldRows; r < rows; r++)
            for (int c = 0; c < width; c++) data[(long)r * width + c] = (float)(mean[c] / oldRows);
        return new NamedTensor(wte.Name, [rows, width], data);
    }

    /// <summary>GPT-2 checkpoints do not store the head count; every released size uses 64-wide heads.</summary>
    private static int GuessHeads(int width) => width % 64 == 0 ? width / 64 : 1;
}
