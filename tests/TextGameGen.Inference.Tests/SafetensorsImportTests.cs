using TextGameGen.Inference.Checkpoints;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Reference;

namespace TextGameGen.Inference.Tests;

public sealed class SafetensorsImportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tgg-st-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// Writes random weights as a Hugging Face GPT2LMHeadModel checkpoint would store them: "transformer." prefix,
    /// GPT-2's 50257-token vocabulary, a tied lm_head and the causal-mask buffers.
    /// </summary>
    private string WriteHuggingFaceCheckpoint(Gpt2Weights original)
    {
        var c = original.Config;
        var tensors = new List<NamedTensor>();
        foreach (var t in original.Tensors)
        {
            var data = t.Data;
            int[] shape = t.Shape;
            if (t.Name == "wte.weight")
            {
                shape = [50257, c.Width];
                data = t.Data[..(50257 * c.Width)];
                tensors.Add(new NamedTensor("lm_head.weight", shape, data));
            }
            tensors.Add(new NamedTensor("transformer." + t.Name, shape, data));
        }
        for (int i = 0; i < c.Layers; i++)
            tensors.Add(new NamedTensor($"transformer.h.{i}.attn.bias", [1, 1, c.Context, c.Context]));
        string path = Path.Combine(_dir, "model.safetensors");
        SafetensorsFile.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        File.WriteAllText(Path.Combine(_dir, "config.json"), $$"""{"n_head": {{c.Heads}}, "model_type": "gpt2"}""");
        return path;
    }

    [Fact]
    public void AHuggingFaceCheckpointImportsAndMatchesTheReference()
    {
        var original = Gpt2Weights.CreateRandom(TestModels.Narrow, seed: 41);
        string path = WriteHuggingFaceCheckpoint(original);

        var imported = HuggingFaceGpt2Import.Import(path);

        Assert.Equal(original.Config, imported.Config);
        var tokens = TestModels.RandomTokens(10, seed: 5);
        var expected = new ReferenceGpt2(original).Forward(tokens);
        var actual = new ReferenceGpt2(imported).Forward(tokens);
        int vocab = original.Config.VocabularySize;
        for (int t = 0; t < tokens.Length; t++)
            Assert.True(TestModels.MaxAbsDiff(expected.AsSpan(t * vocab, 50257), actual.AsSpan(t * vocab, 50257)) <= 1e-5f);
    }

    [Fact]
    public void TheStoryTokensGetEmbeddingRowsAtTheMeanOfTheOthers()
    {
        var original = Gpt2Weights.CreateRandom(TestModels.Narrow, seed: 42);
        var imported = HuggingFaceGpt2Import.Import(WriteHuggingFaceCheckpoint(original));
        var wte = imported["wte.weight"];
        int w = imported.Config.Width;

        Assert.Equal([Gpt2Config.StoryVocabularySize, w], wte.Shape);
        double mean = 0;
        for (int r = 0; r < 50257; r++) mean += wte.Data[r * w];
        Assert.Equal(mean / 50257, wte.Data[50258 * w], 5);
    }

    [Fact]
    public void SafetensorsRoundTripsInFloat32AndFloat16()
    {
        var t = new NamedTensor("x", [2, 3], [1f, -2f, 3.5f, 0.25f, 1e-3f, 100f]);
        string f32 = Path.Combine(_dir, "a.safetensors"), f16 = Path.Combine(_dir, "b.safetensors");
        SafetensorsFile.Write(f32, [t]);
        SafetensorsFile.Write(f16, [t], half: true);

        var back32 = SafetensorsFile.Read(f32, out _).Single();
        var back16 = SafetensorsFile.Read(f16, out _).Single();

        Assert.Equal(t.Data, back32.Data);
        Assert.Equal(t.Shape, back16.Shape);
        Assert.True(TestModels.MaxAbsDiff(t.Data, back16.Data) < 0.01f);
    }

    [Fact]
    public void AFileThatIsNotSafetensorsIsRefusedWithAClearMessage()
    {
        string path = Path.Combine(_dir, "junk.safetensors");
        File.WriteAllText(path, "this is not a model");

        var error = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(path, out _));
        Assert.Contains("not a safetensors file", error.Message);
    }
}
