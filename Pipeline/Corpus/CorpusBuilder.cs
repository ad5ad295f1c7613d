using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TextGameGen.Inference.Tokenization;

namespace TextGameGen.Pipeline.Corpus;

/// <summary>Settings of <c>tgg corpus build</c>.</summary>
public sealed record CorpusSettings(int Seed = 1, int TrainPercent = 90, int DevPercent = 5, int TestPercent = 5)
{
    public void Validate()
    {
        if (TrainPercent < 0 || DevPercent < 0 || TestPercent < 0 || TrainPercent + DevPercent + TestPercent != 100)
            throw new ArgumentException($"The split must be three non-negative percentages adding up to 100 (got {TrainPercent}/{DevPercent}/{TestPercent}).");
    }
}

/// <summary>
/// Builds a tagged corpus from books (.txt) and dialogue exports (.tsv with a content column): clean, split into
/// sentences, tag, deduplicate, split train/dev/test with a seed, and write a manifest with hashes and counts.
/// </summary>
public static class CorpusBuilder
{
    public static readonly string[] Splits = ["train", "dev", "test"];

    public static JsonObject Build(IReadOnlyList<string> inputs, string outputDirectory, CorpusSettings settings)
    {
        settings.Validate();
        if (inputs.Count == 0) throw new ArgumentException("No input files.");
        var lines = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var sources = new JsonArray();
        foreach (var path in inputs.OrderBy(p => Path.GetFileName(p), StringComparer.Ordinal))
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"Input '{path}' does not exist.");
            int before = lines.Count;
            foreach (var line in Read(path))
                if (seen.Add(line)) lines.Add(line);
            sources.Add(new JsonObject { ["file"] = Path.GetFileName(path), ["sha256"] = Sha256(path), ["lines"] = lines.Count - before });
        }

        // A seeded shuffle, then contiguous slices: the same inputs and seed always give the same split.
        var random = new Random(settings.Seed);
        var order = lines.ToArray();
        random.Shuffle(order);
        int trainCount = order.Length * settings.TrainPercent / 100;
        int devCount = order.Length * settings.DevPercent / 100;
        var parts = new[] { order[..trainCount], order[trainCount..(trainCount + devCount)], order[(trainCount + devCount)..] };

        Directory.CreateDirectory(outputDirectory);
        var splits = new JsonObject();
        var tokenizer = StoryTokenizer.Shared;
        for (int i = 0; i < Splits.Length; i++)
        {
            string file = Path.Combine(outputDirectory, Splits[i] + ".txt");
            File.WriteAllText(file, string.Join('\n', parts[i]) + (parts[i].Length > 0 ? "\n" : ""), new UTF8Encoding(false));
            splits[Splits[i]] = new JsonObject
            {
                ["lines"] = parts[i].Length,
                ["tokens"] = parts[i].Sum(tokenizer.CountTokens),
                ["tags"] = TagCounts(parts[i]),
                ["sha256"] = Sha256(file),
            };
        }
        var manifest = new JsonObject
        {
            ["seed"] = settings.Seed,
            ["split_percent"] = new JsonArray(settings.TrainPercent, settings.DevPercent, settings.TestPercent),
            ["inputs"] = sources,
            ["lines"] = lines.Count,
            ["splits"] = splits,
        };
        File.WriteAllText(Path.Combine(outputDirectory, "manifest.json"), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return manifest;
    }

    /// <summary>Tagged training lines from one input file.</summary>
    public static IEnumerable<string> Read(string path)
    {
        if (path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var content in DialogueExport.Contents(File.ReadAllText(path)))
                yield return StoryTagger.Line(StoryTokens.Quest, content);
            yield break;
        }
        foreach (var paragraph in TextCleaner.Paragraphs(File.ReadAllText(path)))
        {
            var sentences = SentenceSplitter.Split(paragraph);
            var tags = StoryTagger.TagParagraph(sentences);
            for (int i = 0; i < sentences.Count; i++) yield return StoryTagger.Line(tags[i], sentences[i]);
        }
    }

    private static JsonObject TagCounts(IEnumerable<string> lines)
    {
        var counts = new JsonObject();
        foreach (var tag in new[] { StoryTokens.Action, StoryTokens.Dialogue, StoryTokens.Quest })
            counts[tag] = lines.Count(l => l.StartsWith(tag, StringComparison.Ordinal));
        return counts;
    }

    private static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
