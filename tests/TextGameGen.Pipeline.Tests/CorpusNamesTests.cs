using TextGameGen.Inference.Packaging;
using TextGameGen.Pipeline.Corpus;

namespace TextGameGen.Pipeline.Tests;

public sealed class CorpusNamesTests
{
    private static IEnumerable<string> Lines(int times, params string[] lines) => Enumerable.Repeat(lines, times).SelectMany(l => l);

    [Fact]
    public void Names_are_words_capitalised_inside_sentences_and_almost_never_in_lower_case()
    {
        var lines = Lines(25,
            "<|action|>Then the little girl, whose name was Dorothy, looked at the King.<|endoftext|>",
            "<|dialogue|>The king said that Dorothy’s dog was called Toto.<|endoftext|>",
            "<|action|>Mowgli ran. Baloo followed him on Monday, and I saw them.<|endoftext|>",
            "<|action|>“Where is Baloo?” asked Mr Brown.<|endoftext|>");

        var names = CorpusNames.Extract(lines);

        Assert.Equal(["Dorothy", "Baloo", "Brown", "Toto"], names); // most seen first (Dorothy twice a round), then by name
        Assert.DoesNotContain("King", names);   // "king" as often
        Assert.DoesNotContain("Mowgli", names); // only ever at a sentence's start here
        Assert.DoesNotContain("Then", names);
        Assert.DoesNotContain("Monday", names);
        Assert.DoesNotContain("Mr", names);
        Assert.DoesNotContain("I", names);
    }

    [Fact]
    public void A_name_seen_rarely_is_not_one_of_the_books()
    {
        Assert.Empty(CorpusNames.Extract(Lines(19, "<|action|>They met Dorothy.<|endoftext|>")));
        Assert.Equal(["Dorothy"], CorpusNames.Extract(Lines(20, "<|action|>They met Dorothy.<|endoftext|>")));
    }

    [Fact]
    public void Written_beside_a_model_they_are_read_back_and_their_hash_is_in_the_manifest()
    {
        var dir = Directory.CreateTempSubdirectory("tgg-names-").FullName;
        try
        {
            var model = Path.Combine(dir, "model");
            ModelDirectory.Save(model, Inference.Model.Gpt2Weights.CreateRandom(Inference.Model.Gpt2Config.Tiny, 1), Inference.Onnx.OnnxExportOptions.Default, new ModelSource { Kind = "random" });
            var train = Path.Combine(dir, "train.txt");
            File.WriteAllLines(train, Lines(20, "<|action|>They met Dorothy and Toto.<|endoftext|>"));

            CorpusNames.WriteFor(model, train);

            var opened = ModelDirectory.Open(model);
            Assert.Equal(["Dorothy", "Toto"], opened.Names);
            Assert.Equal(ModelDirectory.Sha256(Path.Combine(model, ModelDirectory.NamesFile)), opened.Manifest.Sha256[ModelDirectory.NamesFile]);
            // The registry copies them with the model.
            var registry = new Inference.Registry.ModelRegistry(Path.Combine(dir, "models"));
            var version = registry.Add("fantasy", model, devPerplexity: 50);
            Assert.Equal(["Dorothy", "Toto"], ModelDirectory.Open(registry.VersionPath("fantasy", version)).Names);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
