using System.CommandLine;
using TextGameGen.Inference.Model;
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
        var config = new InvocationConfiguration { Output = output, Error = error };
        var oldOut = Console.Out;
        var oldErr = Console.Error;
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            int exit = await TggCli.Build().Parse(args).InvokeAsync(config);
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
    public async Task ModelImportTurnsAHuggingFaceCheckpointIntoAModelDirectory()
    {
        var weights = Gpt2Weights.CreateRandom(new Gpt2Config(2, 2, 64, 32, 50257), seed: 4);
        string checkpoint = Path.Combine(_dir, "hf");
        Directory.CreateDirectory(checkpoint);
        TextGameGen.Inference.Model.Safetensors.SafetensorsFile.Write(Path.Combine(checkpoint, "model.safetensors"), weights.Tensors);
        File.WriteAllText(Path.Combine(checkpoint, "config.json"), """{"n_head": 2}""");
        string model = Path.Combine(_dir, "imported");

        var imported = await Tgg("model", "import", "--safetensors", Path.Combine(checkpoint, "model.safetensors"), "--out", model);

        Assert.Equal(0, imported.Exit);
        var dir = ModelDirectory.Open(model);
        Assert.Equal(new Gpt2Config(2, 2, 64, 32, Gpt2Config.StoryVocabularySize), dir.Config);
        Assert.Equal("huggingface", dir.Manifest["source"]!["kind"]!.GetValue<string>());
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
        Assert.Equal("trained", ModelDirectory.Open(model).Manifest["source"]!["kind"]!.GetValue<string>());
        var evaluated = await Tgg("eval", "--model", model, "--data", Path.Combine(corpus, "dev.txt"));
        Assert.Equal(0, evaluated.Exit);
        Assert.Contains("| dev.txt |", evaluated.Out);
    }

    [Fact]
    public async Task TrainingNeedsExactlyOneStartingPoint()
    {
        string corpus = Path.Combine(_dir, "c");
        Directory.CreateDirectory(corpus);
        File.WriteAllText(Path.Combine(corpus, "train.txt"), "x");
        File.WriteAllText(Path.Combine(corpus, "dev.txt"), "x");

        var result = await Tgg("train", "--data", corpus, "--out", Path.Combine(_dir, "m"));

        Assert.NotEqual(0, result.Exit);
        Assert.Contains("exactly one of --shape", result.Err);
    }

    [Fact]
    public async Task AnUnknownShapeIsAClearErrorWithANonZeroExit()
    {
        var result = await Tgg("model", "create", "--shape", "huge", "--out", Path.Combine(_dir, "x"));

        Assert.NotEqual(0, result.Exit);
        Assert.Contains("Unknown shape 'huge'", result.Err);
    }

    [Fact]
    public async Task ASamplerSettingOutOfRangeIsRefusedByName()
    {
        string model = Path.Combine(_dir, "m");
        await Tgg("model", "create", "--shape", "tiny", "--out", model);

        var result = await Tgg("generate", "--model", model, "--prompt", "hi", "--top-p", "1.5");

        Assert.NotEqual(0, result.Exit);
        Assert.Contains("top_p", result.Err);
    }

    [Fact]
    public async Task AMissingModelDirectoryIsAClearError()
    {
        var result = await Tgg("generate", "--model", Path.Combine(_dir, "nothing"), "--prompt", "hi");

        Assert.NotEqual(0, result.Exit);
        Assert.Contains("does not exist", result.Err);
    }

    [Fact]
    public async Task AMissingRequiredOptionIsReported()
    {
        var result = await Tgg("model", "create", "--out", Path.Combine(_dir, "y"));

        Assert.NotEqual(0, result.Exit);
        Assert.Contains("--shape", result.Err);
    }
}
