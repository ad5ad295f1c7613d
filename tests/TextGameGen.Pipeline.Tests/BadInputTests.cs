using System.Diagnostics;
using System.Text;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Packaging;

namespace TextGameGen.Pipeline.Tests;

/// <summary>Broken files and wrong options, made once for every bad-input case.</summary>
public sealed class BadFiles : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("tgg-bad-").FullName;

    public BadFiles()
    {
        string good = Path("good-model");
        ModelDirectory.Save(good, Gpt2Weights.CreateRandom(Gpt2Config.Tiny, 1), OnnxExportOptions.Default, new ModelSource { Kind = "random" });
        File.WriteAllText(Path("dev.txt"), "<|action|>The door opens.<|endoftext|>\n<|dialogue|>\"Who is there?\"<|endoftext|>\n");
        Copy(good, "corrupt-onnx");
        File.WriteAllBytes(Path("corrupt-onnx", ModelDirectory.ModelFile), Encoding.ASCII.GetBytes("this is not a protobuf"));
        Copy(good, "corrupt-config");
        File.WriteAllText(Path("corrupt-config", ModelDirectory.ConfigFile), "{ \"n_layer\": 2, ");
        Copy(good, "impossible-config");
        File.WriteAllText(Path("impossible-config", ModelDirectory.ConfigFile), """{ "n_layer": 2, "n_head": 3, "n_embd": 64, "n_positions": 128, "vocab_size": 50260 }""");
        Copy(good, "corrupt-manifest");
        File.WriteAllText(Path("corrupt-manifest", ModelDirectory.ManifestFile), "[1, 2");
        File.WriteAllBytes(Path("bad.safetensors"), [1, 0, 0, 0, 0, 0, 0, 0, (byte)'{']);
        File.WriteAllBytes(Path("huge-header.safetensors"), [255, 255, 255, 255, 255, 255, 255, 127, 0]);
        File.WriteAllText(Path("broken-pipeline.json"), "{ \"generator\": ");
        File.WriteAllText(Path("typo-pipeline.json"), """{ "generator": "x", "inputs": ["book.txt"], "stepz": 3 }""");
        Directory.CreateDirectory(Path("registry", "fantasy", "v1"));
        File.WriteAllText(Path("registry", "fantasy", "registry.json"), "{ production: v1 }");
        Copy(good, System.IO.Path.Combine("registry", "fantasy", "v1"));
        File.WriteAllText(Path("not-a-database.db"), "SQLite format 2? no, plain text that is long enough to look like a file");
        File.WriteAllText(Path("empty.txt"), "");
        File.WriteAllText(Path("headings-only.txt"), "CHAPTER I\n\nCONTENTS\n\n* * *\n");
        File.WriteAllBytes(Path("latin1.txt"), [.. Encoding.ASCII.GetBytes("The caf"), 0xE9, .. Encoding.ASCII.GetBytes(" was open all night long.\n")]);
        File.WriteAllText(Path("one-token-lines.txt"), "a\nb\n");
        Directory.CreateDirectory(Path("worlds"));
        File.WriteAllText(Path("worlds", "broken.json"), """
            { "id": "broken", "title": "B", "description": "", "generator": "g", "sampler_preset": null, "start_room": "nowhere",
              "memory": "", "authors_note": "", "rooms": [ { "id": "a", "name": "A", "description": "", "exits": {}, "items": [], "npcs": [] } ] }
            """);
        Directory.CreateDirectory(Path("empty-corpus"));
        File.WriteAllText(Path("empty-corpus", "train.txt"), "");
        File.WriteAllText(Path("empty-corpus", "dev.txt"), "");
    }

    public string Path(params string[] parts) => System.IO.Path.Combine([Dir, .. parts]);

    private void Copy(string from, string name)
    {
        Directory.CreateDirectory(Path(name));
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path(name, System.IO.Path.GetFileName(f)));
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

/// <summary>
/// Every failure of tgg is one line on standard error starting with "error:", exit code 2, no stack trace: run as a
/// real process (dotnet tgg.dll), as a user would.
/// </summary>
public sealed class BadInputTests(BadFiles files) : IClassFixture<BadFiles>
{
    /// <summary>Arguments (with {dir} for the broken files' folder) and a fragment the error line must hold.</summary>
    public static TheoryData<string, string> Cases => new()
    {
        { "train --bogus 1", "Unrecognized command or argument '--bogus'" },
        { "eval", "Option '--model' is required" },
        { "frobnicate", "Unrecognized command or argument 'frobnicate'" },
        { "", "Required command was not provided" },
        { "eval --model {dir}/corrupt-onnx --data {dir}/dev.txt", "Protobuf parsing failed" },
        { "eval --model {dir}/corrupt-config --data {dir}/dev.txt", "config.json' is not a valid config.json" },
        { "eval --model {dir}/impossible-config --data {dir}/dev.txt", "must be a multiple of n_head" },
        { "registry add --root {dir}/reg2 --generator fantasy --model {dir}/corrupt-manifest", "manifest.json' is not a valid manifest.json" },
        { "model import --safetensors {dir}/bad.safetensors --out {dir}/x", "safetensors" },
        { "model import --safetensors {dir}/huge-header.safetensors --out {dir}/x", "not a safetensors file" },
        { "pipeline run --config {dir}/broken-pipeline.json", "broken-pipeline.json' is not a valid" },
        { "pipeline run --config {dir}/typo-pipeline.json", "stepz" },
        { "pipeline run --config {dir}/missing.json", "missing.json' does not exist" },
        { "registry list --root {dir}/registry", "registry.json' is not a valid registry.json" },
        { "feedback export --db {dir}/not-a-database.db --out {dir}/fb", "is not a SQLite database" },
        { "feedback export --db {dir}/none.db --out {dir}/fb", "No game database" },
        { "train --data {dir}/empty-corpus --out {dir}/run --shape tiny --eval-every 0", "--eval-every must be at least 1" },
        { "train --data {dir}/empty-corpus --out {dir}/run --shape tiny", "training tokens" },
        { "corpus build --input {dir}/empty.txt --out {dir}/c1", "the corpus would be empty" },
        { "corpus build --input {dir}/headings-only.txt --out {dir}/c2", "the corpus would be empty" },
        { "corpus build --input {dir}/latin1.txt --out {dir}/c3", "latin1.txt' is not UTF-8: invalid byte 0xE9 at byte offset 7" },
        { "eval --model {dir}/good-model --data {dir}/empty.txt", "empty.txt' has no lines" },
        { "eval --model {dir}/good-model --data {dir}/latin1.txt", "is not UTF-8" },
        { "eval --model {dir}/good-model --data {dir}/one-token-lines.txt", "nothing to measure perplexity on" },
        { "eval --model {dir}/good-model --data {dir}/dev.txt --max-lines -5", "--max-lines must be 0" },
        { "corpus build --input {dir}/dev.txt --out {dir}/c4 --split 90,5", "--split needs three percentages" },
        { "corpus build --input {dir}/dev.txt --out {dir}/c5 --split 50,30,30", "adding up to 100" },
        { "train --resume {dir}/nowhere", "run.json" },
        { "train --data {dir}/empty-corpus --out {dir}/run --shape tiny --init {dir}/bad.safetensors", "exactly one of --shape" },
        { "train --data {dir}/empty-corpus --out {dir}/run --shape 2x3x64", "must be a multiple of n_head" },
        { "model create --shape bogus --out {dir}/y", "Unknown shape 'bogus'" },
        { "generate --model {dir}/good-model --prompt hi --temperature -1", "temperature must be between 0 and 5" },
        { "bench decode --shape tiny --batches 0,x", "is not a comma-separated list of positive numbers" },
        { "registry promote --root {dir}/registry2 --generator fantasy --version v9", "has no version 'v9'" },
        { "registry add --root {dir}/registry2 --generator fantasy --model {dir}/good-model --parent production", "has no production version; name the version" },
        { "registry add --root {dir}/registry2 --generator fantasy --model {dir}/good-model --parent v9", "--parent v9: 'fantasy' has no such version" },
        { "registry preset activate --root {dir}/reg3 --generator fantasy --version p9", "has no sampler preset 'p9'" },
        { "train --data {dir}/missing --out {dir}/run --shape tiny", "has no train.txt" },
        { "train --data {dir}/empty-corpus --out {dir}/run --shape tiny --steps 0", "--steps must be at least 1" },
        { "world list --root {dir}/worlds", "the start room 'nowhere' is not a room of this world" },
        { "world create --root {dir}/worlds --id Bad_Id --generator g", "world id 'Bad_Id' must be" },
        { "world create --root {dir}/worlds --id broken --generator g", "broken.json' exists already" },
        { "world create --root {dir}/worlds --id w2 --generator g --from atlantis", "no world file" },
        { "world create --root {dir}/worlds --id w3 --generator ../up", "A generator name uses letters" },
        { "pipeline new --generator x --input {dir}/nothing.txt --like {dir}/typo-pipeline.json", "nothing.txt' does not exist" },
        { "pipeline new --generator x --input {dir}/dev.txt --like {dir}/typo-pipeline.json", "stepz" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_input_is_one_error_line_and_exit_code_2(string arguments, string message)
    {
        var (exit, stdout, stderr) = await RunTgg(arguments.Replace("{dir}", files.Dir));

        Assert.Equal(2, exit);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("error: ", line);
        Assert.Contains(message, line);
        // No frame of a stack trace, no unhandled exception.
        Assert.DoesNotContain((stdout + stderr).Split('\n'), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) && l.Contains('('));
        Assert.DoesNotContain("Unhandled exception", stdout + stderr);
    }

    private static async Task<(int Exit, string Out, string Err)> RunTgg(string arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tgg.dll"));
        foreach (var a in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout, await stderr);
    }
}
