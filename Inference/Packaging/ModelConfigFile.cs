using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Model;

namespace TextGameGen.Inference.Packaging;

/// <summary><c>config.json</c>: the shape in Hugging Face's GPT-2 names, with the special tokens.</summary>
public sealed record ModelConfigFile
{
    public int NLayer { get; set; }
    public int NHead { get; set; }
    public int NEmbd { get; set; }
    public int NPositions { get; set; }
    public int VocabSize { get; set; }
    public string ModelType { get; set; } = "gpt2";
    public float LayerNormEpsilon { get; set; } = Gpt2Config.LayerNormEpsilon;
    public int EosTokenId { get; set; } = StoryTokens.EndOfTextId;
    public Dictionary<string, int> SpecialTokens { get; set; } = [];

    public static ModelConfigFile From(Gpt2Config c) => new()
    {
        NLayer = c.Layers,
        NHead = c.Heads,
        NEmbd = c.Width,
        NPositions = c.Context,
        VocabSize = c.VocabularySize,
        SpecialTokens = new Dictionary<string, int>(StoryTokens.All),
    };

    /// <summary>The shape, refused (naming the file) when it cannot be built.</summary>
    public Gpt2Config ToConfig(string path)
    {
        var config = new Gpt2Config(NLayer, NHead, NEmbd, NPositions, VocabSize);
        try
        {
            config.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"'{path}': {ex.Message}", ex);
        }
        return config;
    }

    public static Gpt2Config Read(string path) => JsonFile.Read(path, PackagingJson.Default.ModelConfigFile).ToConfig(path);

    public static void Write(string path, Gpt2Config config) => JsonFile.Write(path, From(config), PackagingJson.Default.ModelConfigFile);
}
