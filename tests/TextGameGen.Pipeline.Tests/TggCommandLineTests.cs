using TextGameGen.Inference.Model;
using TextGameGen.Inference.Packaging;
using TextGameGen.Pipeline.Commands;

namespace TextGameGen.Pipeline.Tests;

/// <summary>Runs tgg in-process with its console captured. One class, so these never run in parallel with each other.</summary>
public sealed class TggCommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tgg-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Out, string Err)> Tgg(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var oldOut = Console.Out;
        var oldErr = Console.Error;
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            int exit = await TggCli.RunAsync(args);
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    [Fact]
    public async Task ModelCreateWritesAModelThatGenerateStreamsFrom()
    {
        string model = Path.Combine(_dir, "tiny");
        var created = await Tgg("model", "create", "--shape", "tiny", "--seed", "3", "--out", model);
        Assert.Equal(0, created.Exit);
        Assert.True(File.Exists(Path.Combine(model, "model.onnx")));
        Assert.Equal(Gpt2Config.Tiny, ModelDirectory.Open(model).Config);

        var first = await Tgg("generate", "--model", model, "--prompt", "<|action|>You walk", "--seed", "9", "--max-new-tokens", "12");
        var second = await Tgg("generate", "--model", model, "--prompt", "<|action|>You walk", "--seed", "9", "--max-new-tokens", "12");

        Assert.Equal(0, first.Exit);
        Assert.False(string.IsNullOrWhiteSpace(first.Out));
        Assert.Equal(first.Out, second.Out);
        Assert.Contains("[finished:", first.Err);
    }

    [Fact]
    public async Task ModelQuantizeWritesASmallerModelThatGeneratesAndSaysWhereItCameFrom()
    {
        string model = Path.Combine(_dir, "tiny"), quantized = Path.Combine(_dir, "tiny-int8");
        Assert.Equal(0, (await Tgg("model", "create", "--shape", "tiny", "--seed", "3", "--out", model)).Exit);
        var result = await Tgg("model", "quantize", "--model", model, "--out", quantized, "--bits", "8");
        Assert.Equal(0, result.Exit);
        var dir = ModelDirectory.Open(quantized);
        Assert.Equal("int8", dir.Manifest.Quantization);
        Assert.Equal("fp32", dir.Manifest.Precision); // activations
        Assert.Contains(ModelDirectory.Sha256(Path.Combine(model, "model.onnx")), dir.Manifest.Source.QuantizedFrom);
        Assert.True(new FileInfo(dir.ModelPath).Length < new FileInfo(Path.Combine(model, "model.onnx")).Length / 3);

        var generated = await Tgg("generate", "--model", quantized, "--prompt", "<|action|>You walk", "--seed", "9", "--max-new-tokens", "8");
        Assert.Equal(0, generated.Exit);
        Assert.Contains("[finished:", generated.Err);

        var again = await Tgg("model", "quantize", "--model", quantized, "--out", Path.Combine(_dir, "twice"), "--bits", "4");
        Assert.NotEqual(0, again.Exit);
        Assert.Contains("already quantized (int8)", again.Err);
        var badBits = await Tgg("model", "quantize", "--model", model, "--out", Path.Combine(_dir, "bad"), "--bits", "3");
        Assert.NotEqual(0, badBits.Exit);
        Assert.Contains("Unknown weight format '3'", badBits.Err);
    }

    [Fact]
    public async Task ModelImportTurnsAHuggingFaceCheckpointIntoAModelDirectory()
    {
        var weights = Gpt2Weights.CreateRandom(new Gpt2Config(2, 2, 64, 32, 50257), seed: 4);
        string checkpoint = Path.Combine(_dir, "hf");
        Directory.CreateDirectory(checkpoint);
        TextGameGen.Inference.Checkpoints.SafetensorsFile.Write(Path.Combine(checkpoint, "model.safetensors"), weights.Tensors);
        File.WriteAllText(Path.Combine(checkpoint, "config.json"), """{"n_head": 2}""");
        string model = Path.Combine(_dir, "imported");

        var imported = await Tgg("model", "import", "--safetensors", Path.Combine(checkpoint, "model.safetensors"), "--out", model);

        Assert.Equal(0, imported.Exit);
        var dir = ModelDirectory.Open(model);
        Assert.Equal(new Gpt2Config(2, 2, 64, 32, Gpt2Config.StoryVocabularySize), dir.Config);
        Assert.Equal("huggingface", dir.Manifest.Source.Kind);
        var generated = await Tgg("generate", "--model", model, "--prompt", "<|quest|>Bring me", "--seed", "1", "--max-new-tokens", "5");
        Assert.Equal(0, generated.Exit);
    }

    [Fact]
    public async Task CorpusBuildThenTrainThenEvalRunEndToEnd()
    {
        string book = Path.Combine(_dir, "book.txt");
        File.WriteAllText(book, string.Join("\n\n", Enumerable.Range(0, 60).Select(i => $"The traveller reached village {i}. \"Welcome!\" said the elder {i}.")));
        string corpus = Path.Combine(_dir, "corpus"), model = Path.Combine(_dir, "trained");

        Assert.Equal(0, (await Tgg("corpus", "build", "--input", book, "--out", corpus, "--split", "80,10,10")).Exit);
        var trained = await Tgg("train", "--data", corpus, "--shape", "tiny", "--steps", "3", "--batch", "2", "--seq", "16", "--eval-every", "3", "--out", model);
        Assert.Equal(0, trained.Exit);
        Assert.Contains("dev loss", trained.Out);
        Assert.Equal("trained", ModelDirectory.Open(model).Manifest.Source.Kind);
        var evaluated = await Tgg("eval", "--model", model, "--data", Path.Combine(corpus, "dev.txt"));
        Assert.Equal(0, evaluated.Exit);
        Assert.Contains("| dev.txt |", evaluated.Out);

        string png = Path.Combine(_dir, "curve.png");
        var curve = await Tgg("train", "curve", "--run", model, "--out", png);
        Assert.Equal(0, curve.Exit);
        Assert.Matches(@"\| 3 \| 0\.00 \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|", curve.Out); // step 3 of 2 x 16 tokens
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);
    }

    [Fact]
    public async Task ANewGeneratorFromABookGoesFromConfigToAPlayableWorld()
    {
        // The README's walk-through at a tiny size: pipeline new -> pipeline run -> world create -> world list.
        string book = Path.Combine(_dir, "books", "fox.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(book)!);
        File.WriteAllText(book, string.Join("\n\n", Enumerable.Range(0, 80).Select(i => $"The fox ran to hill {i}. \"Catch me!\" cried the fox {i}.")));
        Directory.CreateDirectory(Path.Combine(_dir, "pipeline"));
        File.WriteAllText(Path.Combine(_dir, "pipeline", "small.json"), """
            { "generator": "small", "inputs": ["other.txt"], "registry_root": "../models", "layers": 1, "heads": 2, "width": 32, "context": 32,
              "steps": 3, "batch": 2, "seq": 16, "split": [80, 10, 10] }
            """);
        string P(string relative) => Path.Combine(_dir, relative);

        var created = await Tgg("pipeline", "new", "--generator", "foxes", "--input", book, "--like", P("pipeline/small.json"));
        Assert.Equal(0, created.Exit);
        var config = Pipeline.Lifecycle.PipelineConfig.ReadFile(P("pipeline/foxes.json"));
        Assert.Equal([Path.Combine("..", "books", "fox.txt")], config.Inputs);
        Assert.Null(config.WorkDir); // its own work folder, artifacts/pipeline/foxes
        Assert.Equal((3, "../models"), (config.Steps, config.RegistryRoot));

        var run = await Tgg("pipeline", "run", "--config", P("pipeline/foxes.json"));
        Assert.Equal(0, run.Exit);
        Assert.Contains(Path.Combine("models", "foxes", "v1") + " (foxes v1, production)", run.Out);
        Assert.Contains("tgg world create --id foxes --generator foxes --book-people", run.Out);
        Assert.True(File.Exists(P("artifacts/pipeline/foxes/corpus/train.txt")));
        Assert.True(File.Exists(P("models/foxes/v1/names.txt"))); // the book's names, carried into the registry

        var world = await Tgg("world", "create", "--id", "foxes", "--generator", "foxes", "--title", "Fox Hills", "--book-people", "--root", P("worlds"), "--registry", P("models"));
        Assert.Equal(0, world.Exit);
        Assert.Contains("'foxes' serves v1", world.Out);
        var definition = Grains.Game.World.WorldFiles.Read(P("worlds/foxes.json"), "foxes");
        Assert.Equal(("Fox Hills", "foxes", true), (definition.Title, definition.Generator, definition.BookPeople));
        Assert.Null(definition.Problem());

        var listed = await Tgg("world", "list", "--root", P("worlds"));
        Assert.Equal(0, listed.Exit);
        Assert.Contains("| foxes | Fox Hills | foxes |", listed.Out);

        var again = await Tgg("pipeline", "run", "--config", P("pipeline/foxes.json")); // the run is complete: evaluated and added again; the world is found now
        Assert.Equal(0, again.Exit);
        Assert.Contains("choose 'Fox Hills'", again.Out);
    }

    [Fact]
    public async Task PassageEvaluationWritesEveryPromptAndSeedBesideTheBaselineAndReportsTheFigures()
    {
        string model = Path.Combine(_dir, "m1"), baseline = Path.Combine(_dir, "m0"), json = Path.Combine(_dir, "passages.json");
        await Tgg("model", "create", "--shape", "tiny", "--seed", "1", "--out", model);
        await Tgg("model", "create", "--shape", "tiny", "--seed", "2", "--out", baseline);

        var run = await Tgg("eval", "passages", "--model", model, "--baseline", baseline, "--world", RepositoryFilesTests.WorldFile("fantasy"),
            "--seeds", "2", "--samples", "3", "--before", "--json", json);

        Assert.Equal(0, run.Exit);
        Assert.Matches(@"\| [^|]*m1 \| sentence ends \| 40 \| [0-9.]+ % \| [0-9.]+ % \| 0\.[0-9]{3} \| [0-9.]+ \| [0-9.]+ % \|", run.Out);
        Assert.Contains("| as written | 40 |", run.Out);
        Assert.Contains("| do look into the old well |", run.Out);
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(4, report.RootElement.GetArrayLength()); // two models, two ways of finishing
        Assert.All(report.RootElement.EnumerateArray(), r => Assert.Equal(40, r.GetProperty("passages").GetArrayLength()));
        // Seeded: the same prompt and seed write the same passage again (every passage, and the samples shown).
        string againJson = Path.Combine(_dir, "again.json");
        var again = await Tgg("eval", "passages", "--model", model, "--world", RepositoryFilesTests.WorldFile("fantasy"), "--seeds", "2", "--samples", "3", "--json", againJson);
        using var againReport = System.Text.Json.JsonDocument.Parse(File.ReadAllText(againJson));
        string Passages(System.Text.Json.JsonElement r) => r.GetProperty("passages").GetRawText();
        Assert.Equal(Passages(report.RootElement[3]), Passages(againReport.RootElement[0]));
        Assert.Equal(SampleRows(run.Out, "m1"), SampleRows(again.Out, "m1"));
    }

    /// <summary>The side-by-side rows of the last table, reduced to one model's column.</summary>
    private static string[] SampleRows(string output, string model)
    {
        var tables = output.Split("\n\n");
        var rows = tables[^1].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // A passage may hold '|' (a random model writes "<|dialogue|>"): the table escapes it as "\|", so split on bare bars only.
        static string[] Cells(string row) => System.Text.RegularExpressions.Regex.Split(row, @"(?<!\\)\|");
        int column = Array.FindIndex(Cells(rows[0]), c => c.Trim().EndsWith(model, StringComparison.Ordinal));
        return [.. rows.Skip(2).Select(r => Cells(r)[column].Trim())];
    }

    [Fact]
    public async Task DecodeBenchmarkSetsEachRepetitionAgainstThePeakReadBeforeIt()
    {
        string json = Path.Combine(_dir, "decode.json");
        var run = await Tgg("bench", "decode", "--shape", "tiny", "--batches", "1,2", "--reps", "2", "--steps", "2", "--slots", "--json", json);

        Assert.Equal(0, run.Exit);
        Assert.Contains("| fused-slots | 2 |", run.Out);
        Assert.Contains("% of highest peak", run.Out);
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(2, report.RootElement.GetProperty("peakReadings").GetArrayLength()); // one reading per repetition
        Assert.All(report.RootElement.GetProperty("results").EnumerateArray(), r => Assert.InRange(r.GetProperty("PeakFraction").GetDouble(), 1e-6, 1.0));
    }

    [Fact]
    public async Task GenerateBenchmarkWithASharedOpeningRunsKeptOpeningsBesideWholePrefillsAndSaysWhatWasCopied()
    {
        var run = await Tgg("bench", "generate", "--shape", "tiny", "--scenario", "sweep", "--players", "4", "--modes", "continuous",
            "--reps", "1", "--duration", "2", "--prompt-tokens", "40", "--new-tokens", "8", "--shared-prefix", "24");

        Assert.Equal(0, run.Exit);
        Assert.Contains("| sweep | continuous-slots | 4 |", run.Out);
        Assert.Contains("| sweep | continuous-slots-prefix | 4 |", run.Out);
        Assert.Matches(@"prompt positions copied [1-9][0-9]*% \([0-9]+ of [0-9]+ prompts\)", run.Out);
        Assert.Contains("continuous on slots with kept openings / without =", run.Out);
    }

    [Fact]
    public async Task MatMulBenchmarkPlacesTheMultipliesUnderBothRoofs()
    {
        var run = await Tgg("bench", "matmul", "--shape", "tiny", "--rows", "1,4", "--reps", "1", "--runs", "1");

        Assert.Equal(0, run.Exit);
        Assert.Contains("memory roof (streaming read", run.Out);
        Assert.Matches(@"\| 4 \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9]+% \|", run.Out);
    }

    [Fact]
    public async Task TrainingNeedsExactlyOneStartingPoint()
    {
        string corpus = Path.Combine(_dir, "c");
        Directory.CreateDirectory(corpus);
        File.WriteAllText(Path.Combine(corpus, "train.txt"), "x");
        File.WriteAllText(Path.Combine(corpus, "dev.txt"), "x");

        var result = await Tgg("train", "--data", corpus, "--out", Path.Combine(_dir, "m"));

        Assert.Equal(2, result.Exit);
        Assert.StartsWith("error: ", result.Err);
        Assert.Contains("exactly one of --shape", result.Err);
    }

    [Fact]
    public async Task AnUnknownShapeIsAClearErrorWithANonZeroExit()
    {
        var result = await Tgg("model", "create", "--shape", "huge", "--out", Path.Combine(_dir, "x"));

        Assert.Equal(2, result.Exit);
        Assert.StartsWith("error: ", result.Err);
        Assert.Contains("Unknown shape 'huge'", result.Err);
    }

    [Fact]
    public async Task ASamplerSettingOutOfRangeIsRefusedByName()
    {
        string model = Path.Combine(_dir, "m");
        await Tgg("model", "create", "--shape", "tiny", "--out", model);

        var result = await Tgg("generate", "--model", model, "--prompt", "hi", "--top-p", "1.5");

        Assert.Equal(2, result.Exit);
        Assert.StartsWith("error: ", result.Err);
        Assert.Contains("top_p", result.Err);
    }

    [Fact]
    public async Task AMissingModelDirectoryIsAClearError()
    {
        var result = await Tgg("generate", "--model", Path.Combine(_dir, "nothing"), "--prompt", "hi");

        Assert.Equal(2, result.Exit);
        Assert.StartsWith("error: ", result.Err);
        Assert.Contains("does not exist", result.Err);
    }

    [Fact]
    public async Task AMissingRequiredOptionIsReported()
    {
        var result = await Tgg("model", "create", "--out", Path.Combine(_dir, "y"));

        Assert.Equal(2, result.Exit);
        Assert.StartsWith("error: ", result.Err);
        Assert.Contains("--shape", result.Err);
    }

    [Fact]
    public async Task FeedbackExportWritesEveryRatingAndTheLikedPassagesAsCorpusInput()
    {
        var db = Path.Combine(_dir, "game.db");
        var store = new TextGameGen.Storage.SqlFeedbackStore(new TextGameGen.Storage.SqliteGameDatabase(db));
        var sampler = new TextGameGen.Contracts.Sampling.SamplerSettings { Temperature = 0.7f };
        TextGameGen.Grains.Game.PassageFeedback F(string turn, int rating, string tag, string text) =>
            new("p-1", turn, rating, rating < 0 ? "dull" : "", TextGameGen.Grains.Game.TurnKind.Do, tag, text, "v1", sampler, 42, DateTimeOffset.UtcNow, "fantasy");
        await store.AddAsync(F("t1", 1, "<|action|>", "The door swings open onto a moonlit garden."));
        await store.AddAsync(F("t2", 1, "<|dialogue|>", "Welcome, traveller, to the Prancing Goat."));
        await store.AddAsync(F("t3", 1, "<|quest|>", "Bring me three wolf pelts before the moon is full."));
        await store.AddAsync(F("t4", -1, "<|action|>", "The the the the."));
        await store.AddAsync(F("t5", 1, "<|action|>", "A first opinion."));
        await store.AddAsync(F("t5", -1, "<|action|>", "A first opinion.")); // changed their mind: only the latest counts

        var outDir = Path.Combine(_dir, "feedback");
        var export = await Tgg("feedback", "export", "--db", db, "--out", outDir);
        Assert.Equal(0, export.Exit);
        Assert.Contains("5 ratings (3 up, 2 down; 1 quest lines)", export.Out);
        var jsonl = File.ReadAllLines(Path.Combine(outDir, "feedback.jsonl"));
        Assert.Equal(5, jsonl.Length);
        Assert.Contains("\"modelVersion\":\"v1\"", jsonl[0]);
        Assert.Contains("\"generator\":\"fantasy\"", jsonl[0]);
        Assert.Contains("\"seed\":42", jsonl[0]);
        Assert.Contains("\"temperature\":0.7", jsonl[0]);

        var corpus = Path.Combine(_dir, "corpus");
        var built = await Tgg("corpus", "build", "--input", Path.Combine(outDir, "liked.txt"), Path.Combine(outDir, "liked-quests.tsv"), "--out", corpus, "--split", "100,0,0");
        Assert.Equal(0, built.Exit);
        var lines = File.ReadAllLines(Path.Combine(corpus, "train.txt"));
        Assert.Contains("<|action|>The door swings open onto a moonlit garden.<|endoftext|>", lines);
        Assert.Contains(lines, l => l.StartsWith("<|dialogue|>") && l.Contains("Prancing Goat"));
        Assert.Contains("<|quest|>Bring me three wolf pelts before the moon is full.<|endoftext|>", lines);
        Assert.DoesNotContain(lines, l => l.Contains("The the the") || l.Contains("A first opinion"));

        var missing = await Tgg("feedback", "export", "--db", Path.Combine(_dir, "none.db"), "--out", outDir);
        Assert.Equal(2, missing.Exit);
        Assert.StartsWith("error: No game database", missing.Err);
    }

    [Fact]
    public async Task AnInterruptedRunResumedFromItsCheckpointEndsWhereAnUninterruptedRunEnds()
    {
        string book = Path.Combine(_dir, "book2.txt");
        File.WriteAllText(book, string.Join("\n\n", Enumerable.Range(0, 80).Select(i => $"The knight rode to castle {i}. \"Open the gate!\" cried the guard {i}.")));
        string corpus = Path.Combine(_dir, "corpus2");
        Assert.Equal(0, (await Tgg("corpus", "build", "--input", book, "--out", corpus, "--split", "80,10,10")).Exit);
        string[] common = ["train", "--data", corpus, "--steps", "8", "--batch", "2", "--seq", "16", "--eval-every", "4", "--lr", "1e-3"];

        string whole = Path.Combine(_dir, "whole"), parts = Path.Combine(_dir, "parts");
        Assert.Equal(0, (await Tgg([.. common, "--shape", "tiny", "--out", whole])).Exit);
        var first = await Tgg([.. common, "--shape", "tiny", "--out", parts, "--run-steps", "5"]);
        Assert.Equal(0, first.Exit);
        Assert.DoesNotContain("step 6/8", first.Out);
        Assert.Contains($"continue with --resume {parts}", first.Out);
        var second = await Tgg("train", "--resume", parts);
        Assert.Equal(0, second.Exit);
        Assert.Contains("at step 6 of 8", second.Out);
        Assert.DoesNotContain("step 5/8", second.Out);

        var a = TextGameGen.Inference.Checkpoints.SafetensorsFile.Read(Path.Combine(whole, "checkpoint.safetensors"), out var metaA);
        var b = TextGameGen.Inference.Checkpoints.SafetensorsFile.Read(Path.Combine(parts, "checkpoint.safetensors"), out var metaB);
        Assert.Equal("8", metaA["steps"]);
        Assert.Equal("8", metaB["steps"]);
        foreach (var (x, y) in a.Zip(b))
        {
            Assert.Equal(x.Name, y.Name);
            for (int i = 0; i < x.Data.Length; i++) Assert.True(Math.Abs(x.Data[i] - y.Data[i]) <= 1e-6f, $"{x.Name}[{i}]: {x.Data[i]} vs {y.Data[i]}");
        }
        // Both segments are on record, and the dev curve has its points.
        Assert.Equal(3, File.ReadAllLines(Path.Combine(parts, "segments.tsv")).Length);
        Assert.Equal(File.ReadAllLines(Path.Combine(whole, "curve.tsv")).Skip(1).Select(l => l.Split('\t')[3]),
            File.ReadAllLines(Path.Combine(parts, "curve.tsv")).Skip(1).Where(l => l.Split('\t')[0] is "4" or "8").Select(l => l.Split('\t')[3]));
        var missing = await Tgg("train", "--resume", Path.Combine(_dir, "nowhere"));
        Assert.Equal(2, missing.Exit);
        Assert.Contains("run.json", missing.Err);
    }

    [Fact]
    public async Task SamplerPresetsAreVersionedActivatedAndRolledBackInTheRegistry()
    {
        string root = Path.Combine(_dir, "registry");
        var first = await Tgg("registry", "preset", "add", "--root", root, "--generator", "fantasy", "--temperature", "0.7", "--note", "calmer");
        Assert.Equal(0, first.Exit);
        Assert.Contains("preset p1 (active)", first.Out);
        Assert.Equal(0, (await Tgg("registry", "preset", "add", "--root", root, "--generator", "fantasy", "--temperature", "0.9", "--top-k", "60")).Exit);
        var presets = new TextGameGen.Inference.Registry.SamplerPresetRegistry(root);
        Assert.Equal("p2", presets.Active("fantasy")!.Value.Version);
        Assert.Equal(60, presets.Active("fantasy")!.Value.Sampler.TopK);

        Assert.Equal(0, (await Tgg("registry", "preset", "activate", "--root", root, "--generator", "fantasy", "--version", "p1")).Exit);
        Assert.Equal(0.7f, presets.Active("fantasy")!.Value.Sampler.Temperature);
        var list = await Tgg("registry", "preset", "list", "--root", root, "--generator", "fantasy");
        Assert.Contains("| p1 | 0.7 | 40 | 0.95 | 1.15 | 64 | yes | calmer |", list.Out);

        var bad = await Tgg("registry", "preset", "add", "--root", root, "--generator", "fantasy", "--temperature", "9");
        Assert.Equal(2, bad.Exit);
        Assert.Contains("temperature must be between 0 and 5", bad.Err);
        var unknown = await Tgg("registry", "preset", "activate", "--root", root, "--generator", "fantasy", "--version", "p9");
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("no sampler preset 'p9'", unknown.Err);
    }

    [Fact]
    public async Task RegistryShowReportsAVersionThatAServerCouldNotLoad()
    {
        string root = Path.Combine(_dir, "shown");
        string model = Path.Combine(_dir, "m-show");
        Assert.Equal(0, (await Tgg("model", "create", "--shape", "tiny", "--out", model)).Exit);
        Assert.Equal(0, (await Tgg("registry", "add", "--root", root, "--generator", "fantasy", "--model", model)).Exit);
        var before = await Tgg("registry", "show", "--root", root, "--generator", "fantasy", "--version", "v1");
        Assert.Contains("no server has reported a failure", before.Out);

        new TextGameGen.Inference.Registry.ModelRegistry(root).RecordLoadFailure("fantasy", "v1", "[ONNXRuntimeError] : 7 : INVALID_PROTOBUF");
        var after = await Tgg("registry", "show", "--root", root, "--generator", "fantasy", "--version", "v1");
        Assert.Contains("load: FAILED on 1 server start(s)", after.Out);
        Assert.Contains("INVALID_PROTOBUF", after.Out);
        Assert.Contains("| fantasy | v1 | - |  | 1 |", (await Tgg("registry", "list", "--root", root)).Out);
    }
}
