using System.Security.Cryptography;
using System.Text;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Packaging;
using TextGameGen.Pipeline.Text;

namespace TextGameGen.Pipeline.Corpus;

/// <summary>
/// Settings of <c>tgg corpus build</c>. <see cref="HeldOutFiles"/> are earlier corpora's <c>held-out.sha256</c> files
/// (every build writes one: a line's split and the SHA-256 of its text): each of those lines that this build also
/// produces goes to the same split here and never into training, so a model trained on the new corpus can be compared
/// with one trained on the old on the old held-out lines.
/// </summary>
public sealed record CorpusSettings(int Seed = 1, int TrainPercent = 90, int DevPercent = 5, int TestPercent = 5)
{
    public IReadOnlyList<string> HeldOutFiles { get; init; } = [];

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

    public static CorpusManifest Build(IReadOnlyList<string> inputs, string outputDirectory, CorpusSettings settings)
    {
        settings.Validate();
        if (inputs.Count == 0) throw new ArgumentException("No input files.");
        var lines = Read(inputs, out var counts);
        if (lines.Count == 0) throw new InvalidDataException($"The inputs ({string.Join(", ", inputs.Select(Path.GetFileName))}) hold no story text: the corpus would be empty.");
        var parts = SplitLines(lines, settings);

        Directory.CreateDirectory(outputDirectory);
        var splits = new Dictionary<string, CorpusSplit>();
        for (int i = 0; i < Splits.Length; i++)
        {
            string file = Path.Combine(outputDirectory, Splits[i] + ".txt");
            File.WriteAllText(file, string.Join('\n', parts[i]) + (parts[i].Length > 0 ? "\n" : ""), new UTF8Encoding(false));
            splits[Splits[i]] = new CorpusSplit(parts[i].Length, parts[i].Sum(l => (long)StoryTokenizer.Shared.CountTokens(l)), TagCounts(parts[i]), Sha256(file));
        }
        var manifest = new CorpusManifest(settings.Seed, [settings.TrainPercent, settings.DevPercent, settings.TestPercent],
            [.. counts.Select(c => new CorpusInput(Path.GetFileName(c.Path), Sha256(c.Path), c.Lines))], lines.Count, splits,
            [.. settings.HeldOutFiles.Select(f => new CorpusInput(Path.GetFileName(f), Sha256(f)))]);
        File.WriteAllLines(Path.Combine(outputDirectory, HeldOutFile),
            [.. parts[1].Select(l => $"dev {LineHash(l)}"), .. parts[2].Select(l => $"test {LineHash(l)}")]);
        JsonFile.Write(Path.Combine(outputDirectory, CorpusManifest.FileName), manifest, CorpusJson.Default.CorpusManifest);
        return manifest;
    }

    /// <summary>
    /// A seeded shuffle, then contiguous slices: the same inputs and settings always give the same split. Lines held
    /// out by an earlier corpus go to their split first; the rest fill each split up to its share.
    /// </summary>
    private static string[][] SplitLines(List<string> lines, CorpusSettings settings)
    {
        var reserved = ReadHeldOut(settings.HeldOutFiles);
        int SplitOf(string line) => reserved.Count == 0 ? 0 : reserved.GetValueOrDefault(LineHash(line));
        var random = new Random(settings.Seed);
        var order = lines.Where(l => SplitOf(l) == 0).ToArray();
        random.Shuffle(order);
        var toDev = lines.Where(l => SplitOf(l) == 1).ToList();
        var toTest = lines.Where(l => SplitOf(l) == 2).ToList();
        int trainTarget = lines.Count * settings.TrainPercent / 100, devTarget = lines.Count * settings.DevPercent / 100;
        int devCount = Math.Min(order.Length, Math.Max(0, devTarget - toDev.Count));
        int testCount = Math.Min(order.Length - devCount, Math.Max(0, lines.Count - trainTarget - devTarget - toTest.Count));
        int trainCount = order.Length - devCount - testCount;
        return
        [
            order[..trainCount],
            [.. toDev, .. order[trainCount..(trainCount + devCount)]],
            [.. toTest, .. order[(trainCount + devCount)..]],
        ];
    }

    /// <summary>The file each build writes beside its splits: "dev HASH" and "test HASH" lines (SHA-256 of each held-out line).</summary>
    public const string HeldOutFile = "held-out.sha256";

    /// <summary>
    /// The lines of a built corpus's <paramref name="split"/> file ("dev" or "test") that an earlier corpus held out in
    /// the same split (its <c>held-out.sha256</c> files): the lines on which models trained on either corpus compare fairly.
    /// </summary>
    public static IReadOnlyList<string> HeldOutLines(string corpusDirectory, string split, IReadOnlyList<string> heldOutFiles)
    {
        int wanted = Array.IndexOf(Splits, split);
        if (wanted < 1) throw new ArgumentException($"Held-out lines are in 'dev' or 'test' (got '{split}').", nameof(split));
        var reserved = ReadHeldOut(heldOutFiles);
        return [.. File.ReadLines(Path.Combine(corpusDirectory, split + ".txt")).Where(l => reserved.GetValueOrDefault(LineHash(l)) == wanted)];
    }

    private static Dictionary<string, int> ReadHeldOut(IReadOnlyList<string> files)
    {
        var reserved = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (!File.Exists(file)) throw new FileNotFoundException($"Held-out list '{file}' does not exist.");
            int number = 0;
            foreach (var entry in File.ReadLines(file))
            {
                number++;
                if (entry.Length == 0) continue;
                var parts = entry.Split(' ');
                int split = parts.Length == 2 && parts[1].Length == 64 ? parts[0] switch { "dev" => 1, "test" => 2, _ => 0 } : 0;
                if (split == 0) throw new InvalidDataException($"'{file}' line {number}: expected 'dev <sha256>' or 'test <sha256>'.");
                reserved.TryAdd(parts[1], split);
            }
        }
        return reserved;
    }

    private static string LineHash(string line) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(line)));

    /// <summary>Every input's tagged lines, deduplicated across inputs (in input-name order), with each input's line count.</summary>
    private static List<string> Read(IReadOnlyList<string> inputs, out List<(string Path, int Lines)> counts)
    {
        var lines = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        counts = [];
        foreach (var path in Expand(inputs).OrderBy(p => Path.GetFileName(p), StringComparer.Ordinal))
        {
            int before = lines.Count;
            foreach (var line in Read(path))
                if (seen.Add(line)) lines.Add(line);
            counts.Add((path, lines.Count - before));
        }
        return lines;
    }

    /// <summary>The input files: each file named, and the .txt and .tsv files of each folder named.</summary>
    private static IEnumerable<string> Expand(IReadOnlyList<string> inputs)
    {
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                var files = Directory.GetFiles(input).Where(f => f.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase)).ToList();
                if (files.Count == 0) throw new FileNotFoundException($"Input folder '{input}' has no .txt or .tsv files.");
                foreach (var file in files) yield return file;
            }
            else if (File.Exists(input)) yield return input;
            else throw new FileNotFoundException($"Input '{input}' does not exist.");
        }
    }

    /// <summary>Tagged training lines from one input file.</summary>
    public static IEnumerable<string> Read(string path)
    {
        if (path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var content in DialogueExport.Contents(Utf8Text.ReadAll(path)))
                yield return StoryTagger.Line(StoryTokens.Quest, content);
            yield break;
        }
        foreach (var paragraph in TextCleaner.Paragraphs(Utf8Text.ReadAll(path)))
        {
            var sentences = SentenceSplitter.Split(paragraph);
            var tags = StoryTagger.TagParagraph(sentences);
            for (int i = 0; i < sentences.Count; i++)
                if (sentences[i].Any(char.IsLetter)) yield return StoryTagger.Line(tags[i], sentences[i]);
        }
    }

    private static Dictionary<string, int> TagCounts(IEnumerable<string> lines) =>
        new[] { StoryTokens.Action, StoryTokens.Dialogue, StoryTokens.Quest }.ToDictionary(tag => tag, tag => lines.Count(l => l.StartsWith(tag, StringComparison.Ordinal)));

    private static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
