using TextGameGen.Grains.Game.World;
using TextGameGen.Pipeline.Lifecycle;

namespace TextGameGen.Pipeline.Tests;

/// <summary>The configs and world files the repository ships are valid, so the README's commands work as written.</summary>
public sealed class RepositoryFilesTests
{
    public static string WorldFile(string id) => Path.Combine(Repository(), "worlds", id + ".json");

    private static string Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TextGameGen.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("The repository root (TextGameGen.sln) is not above the test's folder.");
    }

    public static TheoryData<string> PipelineConfigs => [.. Directory.GetFiles(Path.Combine(Repository(), "pipeline"), "*.json").Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(PipelineConfigs))]
    public void Every_pipeline_config_loads_with_its_own_work_folder(string file)
    {
        var config = PipelineConfig.Load(Path.Combine(Repository(), "pipeline", file));

        Assert.Equal(Path.Combine(Repository(), "artifacts", "pipeline", config.Generator), config.WorkDir);
        Assert.Equal(Path.Combine(Repository(), "models"), config.RegistryRoot);
    }

    [Fact]
    public void Every_world_file_is_a_valid_world_and_the_default_world_is_written_by_the_bundled_generator()
    {
        var worlds = new WorldFiles(Path.Combine(Repository(), "worlds")).All();

        Assert.Contains(worlds, w => w.Id == "fantasy" && w.Generator == "fantasy");
        Assert.All(worlds, w => Assert.Null(w.Problem()));
        var registry = new Inference.Registry.ModelRegistry(Path.Combine(Repository(), "models"));
        Assert.All(worlds, w => Assert.NotNull(registry.Production(w.Generator)));
    }
}
