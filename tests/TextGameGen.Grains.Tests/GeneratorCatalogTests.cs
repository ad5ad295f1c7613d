using TextGameGen.Grains.Generation;
using TextGameGen.Inference.Scheduling;
using TextGameGen.Inference.Tokenization;

namespace TextGameGen.Grains.Tests;

public sealed class GeneratorCatalogTests
{
    [Fact]
    public async Task DefaultMeansTheFirstGeneratorWhenNoneIsLoadedUnderThatName()
    {
        await using var wonderland = new GenerationScheduler(ClusterFixture.Session.Value, StoryTokenizer.Shared);
        await using var fantasy = new GenerationScheduler(ClusterFixture.Session.Value, StoryTokenizer.Shared);
        var catalog = new GeneratorCatalog();
        Assert.False(catalog.TryGetLoaded("default", out _));

        catalog.Set("wonderland", wonderland, "v1");
        catalog.Set("fantasy", fantasy, "v3");

        Assert.True(catalog.TryGetLoaded("default", out var chosen));
        Assert.Equal("fantasy", chosen!.Name);
        Assert.True(catalog.TryGetLoaded("Wonderland", out var byName));
        Assert.Equal("v1", byName!.Version);
        Assert.False(catalog.TryGetLoaded("alice", out _));
    }
}
