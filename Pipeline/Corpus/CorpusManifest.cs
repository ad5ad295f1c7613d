using System.Text.Json.Serialization;

namespace TextGameGen.Pipeline.Corpus;

/// <summary><c>manifest.json</c> of a corpus: the inputs with their hashes, the seed and split, and each split's counts and hash.</summary>
public sealed record CorpusManifest(
    int Seed,
    int[] SplitPercent,
    IReadOnlyList<CorpusInput> Inputs,
    int Lines,
    IReadOnlyDictionary<string, CorpusSplit> Splits,
    IReadOnlyList<CorpusInput> HeldOutFrom)
{
    public const string FileName = "manifest.json";

    public CorpusSplit Train => Splits["train"];

    /// <summary>The manifest of the corpus in <paramref name="directory"/>, or null when it has none (a hand-made corpus).</summary>
    public static CorpusManifest? TryRead(string directory)
    {
        string path = Path.Combine(directory, FileName);
        return File.Exists(path) ? TextGameGen.Inference.Packaging.JsonFile.Read(path, CorpusJson.Default.CorpusManifest) : null;
    }
}

public sealed record CorpusInput(string File, string Sha256, int Lines = 0);

public sealed record CorpusSplit(int Lines, long Tokens, IReadOnlyDictionary<string, int> Tags, string Sha256);

/// <summary>The corpus files, serialized by source-generated System.Text.Json.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(CorpusManifest))]
internal sealed partial class CorpusJson : JsonSerializerContext;
