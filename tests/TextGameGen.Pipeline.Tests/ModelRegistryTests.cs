using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Packaging;
using TextGameGen.Inference.Registry;

namespace TextGameGen.Pipeline.Tests;

public sealed class ModelRegistryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tgg-registry-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Model(int seed)
    {
        string path = Path.Combine(_dir, $"model-{seed}");
        ModelDirectory.Save(path, Gpt2Weights.CreateRandom(Gpt2Config.Tiny, seed), OnnxExportOptions.Default, new ModelSource { Kind = "random" });
        return path;
    }

    [Fact]
    public void GivenAComparisonOnTheSameLinesTheGateUsesItNotTheRecordedPerplexities()
    {
        var registry = new ModelRegistry(Path.Combine(_dir, "models"));
        string v1 = registry.Add("fantasy", Model(1), devPerplexity: 40);
        string v2 = registry.Add("fantasy", Model(2), devPerplexity: 55, parent: v1); // its own, harder dev split
        string v3 = registry.Add("fantasy", Model(3), devPerplexity: 20, parent: v1);
        registry.Promote("fantasy", v1);

        var refused = registry.Promote("fantasy", v3, sameLines: new SameLinesComparison(48, 45, "300 old dev lines"));
        Assert.False(refused.Promoted);
        Assert.Contains("48.00 on 300 old dev lines, not better than production v1 at 45.00", refused.Refusal);

        var promoted = registry.Promote("fantasy", v2, sameLines: new SameLinesComparison(30, 45, "300 old dev lines"));
        Assert.True(promoted.Promoted);
        Assert.Contains("30.00 against 45.00 on 300 old dev lines", promoted.Message);
        Assert.Equal("v2", registry.Production("fantasy"));
    }

    [Fact]
    public void TheGateRefusesAWorseModelAndAnOverrideIsRecorded()
    {
        var registry = new ModelRegistry(Path.Combine(_dir, "models"));
        string v1 = registry.Add("fantasy", Model(1), devPerplexity: 40);
        string v2 = registry.Add("fantasy", Model(2), devPerplexity: 55, parent: v1);
        registry.Promote("fantasy", v1);

        var refused = registry.Promote("fantasy", v2);
        Assert.False(refused.Promoted);
        Assert.Contains("not better than production v1", refused.Refusal);
        Assert.Equal("v1", registry.Production("fantasy"));

        Assert.True(registry.Promote("fantasy", v2, overrideReason: "players preferred its tone").Promoted);
        Assert.Equal("v2", registry.Production("fantasy"));
        Assert.Equal("players preferred its tone", registry.Manifest("fantasy", v2).PromotionOverride!.Reason);
        Assert.Equal("v1", registry.Manifest("fantasy", v2).Registry!.ParentVersion);
    }

    [Fact]
    public void AQuantizedCopyOfProductionPassesTheGateWithinTwoPercentAndNotBeyond()
    {
        var registry = new ModelRegistry(Path.Combine(_dir, "models"));
        var weights = Gpt2Weights.CreateRandom(Gpt2Config.Tiny, 5);
        string Quantized(string name) => ModelDirectory.Save(Path.Combine(_dir, name), weights, new OnnxExportOptions { Weights = WeightFormat.Int8 },
            new ModelSource { Kind = "random", QuantizedFrom = "v1" }).Path;
        string v1 = registry.Add("fantasy", Model(5), devPerplexity: 50);
        registry.Promote("fantasy", v1);
        string close = registry.Add("fantasy", Quantized("q-close"), devPerplexity: 50.9, parent: v1);
        string far = registry.Add("fantasy", Quantized("q-far"), devPerplexity: 51.2, parent: v1);
        string unrelated = registry.Add("fantasy", Quantized("q-other"), devPerplexity: 50.5); // no parent: the usual gate

        var refusedFar = registry.Promote("fantasy", far);
        Assert.False(refusedFar.Promoted);
        Assert.Contains("more than 2% above production v1", refusedFar.Refusal);
        Assert.Contains("not better than production v1", registry.Promote("fantasy", unrelated).Refusal);
        Assert.True(registry.Promote("fantasy", close).Promoted);
        Assert.Equal(close, registry.Production("fantasy"));
        Assert.Equal("int8", registry.Manifest("fantasy", close).Quantization);
    }

    [Fact]
    public void ABetterModelIsPromotedAndRollbackReturnsToThePreviousOne()
    {
        var registry = new ModelRegistry(Path.Combine(_dir, "models"));
        registry.Add("wonderland", Model(3), devPerplexity: 80);
        registry.Add("wonderland", Model(4), devPerplexity: 60);
        registry.Promote("wonderland", "v1");
        registry.Promote("wonderland", "v2");

        Assert.Equal("v2", registry.Production("wonderland"));
        registry.Rollback("wonderland");
        Assert.Equal("v1", registry.Production("wonderland"));
        Assert.Equal(Path.Combine(_dir, "models", "wonderland", "v1"), registry.ProductionPath("wonderland"));
        Assert.True(File.Exists(Path.Combine(registry.ProductionPath("wonderland")!, "model.onnx")));
        Assert.Equal(["wonderland"], registry.Generators());
    }

    [Fact]
    public void AModelWithoutADevPerplexityNeedsAnOverride()
    {
        var registry = new ModelRegistry(Path.Combine(_dir, "models"));
        registry.Add("fantasy", Model(5), devPerplexity: null);

        Assert.Contains("no dev perplexity", registry.Promote("fantasy", "v1").Refusal);
        Assert.Null(registry.Production("fantasy"));
        Assert.Throws<ArgumentException>(() => registry.Add("bad name!", Model(6), 1));
    }
}
