using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Scheduling;
using TextGameGen.Silo.Generation;

namespace TextGameGen.Grains.Tests;

public sealed class GeneratorCatalogTests
{
    [Fact]
    public async Task DefaultMeansTheFirstGeneratorWhenNoneIsLoadedUnderThatName()
    {
        await using var wonderland = new GenerationScheduler(TestGenerators.Session.Value, StoryTokenizer.Shared);
        await using var fantasy = new GenerationScheduler(TestGenerators.Session.Value, StoryTokenizer.Shared);
        var catalog = new GeneratorCatalog();
        Assert.Null(catalog.Find("default"));

        catalog.Set("wonderland", wonderland, "v1");
        catalog.Set("fantasy", fantasy, "v3");

        Assert.Equal("fantasy", catalog.Find("default")!.Name);
        Assert.Equal("v1", catalog.Find("Wonderland")!.Version);
        Assert.Null(catalog.Find("alice"));
    }

    [Fact]
    public async Task AReplacedVersionStaysHeldWhileALeaseOnItIsOpen()
    {
        await using var v1 = new GenerationScheduler(TestGenerators.Session.Value, StoryTokenizer.Shared);
        await using var v2 = new GenerationScheduler(TestGenerators.Session.Value, StoryTokenizer.Shared);
        var catalog = new GeneratorCatalog();
        catalog.Set("fantasy", v1, "v1");
        var lease = catalog.Lease("fantasy")!;
        var old = catalog.Set("fantasy", v2, "v2")!;

        Assert.Equal(1, catalog.OpenLeases(old));
        Assert.Equal("v2", catalog.Lease("fantasy")!.Version);
        Assert.Same(v1, catalog.Redeem(lease)!.Scheduler);
        Assert.Equal(0, catalog.OpenLeases(old));
        Assert.Null(catalog.Redeem(lease)); // used once
    }
}
