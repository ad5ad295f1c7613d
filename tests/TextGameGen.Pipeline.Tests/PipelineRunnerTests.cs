using TextGameGen.Inference.Registry;
using TextGameGen.Pipeline.Lifecycle;

namespace TextGameGen.Pipeline.Tests;

public sealed class PipelineRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tgg-pipeline-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void EveryStageRunsInOrderAndTheModelBecomesProduction()
    {
        File.WriteAllText(Path.Combine(_dir, "book.txt"), string.Join("\n\n", Enumerable.Range(0, 80).Select(i => $"The fox ran to hill {i}. \"Catch me!\" cried the fox {i}.")));
        File.WriteAllText(Path.Combine(_dir, "quests.tsv"), "id\tcontent\n1\tBring me three feathers.\n");
        File.WriteAllText(Path.Combine(_dir, "pipeline.json"), """
            { "generator": "fantasy", "inputs": ["book.txt", "quests.tsv"], "work_dir": "work", "registry_root": "models",
              "layers": 1, "heads": 2, "width": 32, "context": 32, "steps": 4, "batch": 2, "seq": 16, "split": [80, 10, 10] }
            """);
        var log = new List<string>();
        var runner = new PipelineRunner(PipelineConfig.Load(Path.Combine(_dir, "pipeline.json")), log.Add);

        runner.Run();

        Assert.Equal(["corpus", "train", "names", "eval", "registry", "promote"], runner.Stages.Select(s => s.Stage));
        var registry = new ModelRegistry(Path.Combine(_dir, "models"));
        Assert.Equal("v1", registry.Production("fantasy"));
        Assert.NotNull(registry.Manifest("fantasy", "v1").Metrics!.DevPerplexity);
        Assert.True(runner.Promoted);
        Assert.True(Directory.Exists(Path.Combine(_dir, "work", "corpus")));
        Assert.Contains(log, l => l.Contains("dev perplexity"));
    }

    [Fact]
    public void AnInterruptedRunContinuesFromItsLastCheckpointAndAChangedPlanStartsAfresh()
    {
        File.WriteAllText(Path.Combine(_dir, "book.txt"), string.Join("\n\n", Enumerable.Range(0, 80).Select(i => $"The fox ran to hill {i}. \"Catch me!\" cried the fox {i}.")));
        string Config(int steps) => $$"""
            { "generator": "foxes", "inputs": ["book.txt"], "registry_root": "models", "layers": 1, "heads": 2, "width": 32, "context": 32,
              "steps": {{steps}}, "batch": 2, "seq": 16, "split": [80, 10, 10], "checkpoint_every": 2 }
            """;
        File.WriteAllText(Path.Combine(_dir, "foxes.json"), Config(6));
        using var stop = new CancellationTokenSource();
        var log = new List<string>();
        var first = new PipelineRunner(PipelineConfig.Load(Path.Combine(_dir, "foxes.json")), line =>
        {
            log.Add(line);
            if (line.StartsWith("train step 3/", StringComparison.Ordinal)) stop.Cancel(); // interrupted after step 3: checkpointed where it stops
        });
        Assert.ThrowsAny<OperationCanceledException>(() => first.Run(stop.Token));
        string run = Path.Combine(_dir, "artifacts", "pipeline", "foxes", "model");

        var resumedLog = new List<string>();
        var second = new PipelineRunner(PipelineConfig.Load(Path.Combine(_dir, "foxes.json")), resumedLog.Add);
        second.Run();

        Assert.Contains(resumedLog, l => l.Contains("resuming the run") && l.Contains("at step 4 of 6"));
        Assert.DoesNotContain(resumedLog, l => l.StartsWith("train step 3/", StringComparison.Ordinal));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "segments.tsv")).Length); // header + two segments
        Assert.Equal("v1", new ModelRegistry(Path.Combine(_dir, "models")).Production("foxes"));

        File.WriteAllText(Path.Combine(_dir, "foxes.json"), Config(4)); // another plan: a new run, not a resume
        var thirdLog = new List<string>();
        new PipelineRunner(PipelineConfig.Load(Path.Combine(_dir, "foxes.json")), thirdLog.Add).Run();
        Assert.DoesNotContain(thirdLog, l => l.Contains("resuming"));
        Assert.Contains(thirdLog, l => l.StartsWith("train step 1/4", StringComparison.Ordinal));
    }

    [Fact]
    public void WithAHeldOutListTheNewModelAndProductionAreComparedOnTheEarlierCorpussDevLines()
    {
        File.WriteAllText(Path.Combine(_dir, "book.txt"), string.Join("\n\n", Enumerable.Range(0, 80).Select(i => $"The fox ran to hill {i}. \"Catch me!\" cried the fox {i}.")));
        File.WriteAllText(Path.Combine(_dir, "more.txt"), string.Join("\n\n", Enumerable.Range(0, 80).Select(i => $"The owl flew over wood {i} and sang.")));
        const string Common = """ "registry_root": "models", "layers": 1, "heads": 2, "width": 32, "context": 32, "steps": 4, "batch": 2, "seq": 16, "split": [80, 10, 10] """;
        File.WriteAllText(Path.Combine(_dir, "first.json"), $$"""{ "generator": "fantasy", "inputs": ["book.txt"], "work_dir": "w1", {{Common}} }""");
        File.WriteAllText(Path.Combine(_dir, "second.json"), $$"""{ "generator": "fantasy", "inputs": ["book.txt", "more.txt"], "work_dir": "w2", "held_out": ["w1/corpus/held-out.sha256"], {{Common}} }""");
        new PipelineRunner(PipelineConfig.Load(Path.Combine(_dir, "first.json")), _ => { }).Run();

        var log = new List<string>();
        var second = new PipelineRunner(PipelineConfig.Load(Path.Combine(_dir, "second.json")), log.Add);
        second.Run();

        Assert.Equal(["corpus", "train", "names", "eval", "compare", "registry", "promote"], second.Stages.Select(s => s.Stage));
        var firstDev = File.ReadAllLines(Path.Combine(_dir, "w1", "corpus", "dev.txt"));
        var compared = File.ReadAllLines(Path.Combine(_dir, "w2", "corpus", "dev-held-out.txt"));
        Assert.Equal(firstDev.Order(), compared.Order());
        string held = $"the earlier corpus's {firstDev.Length} held-out dev lines";
        Assert.Contains(held, second.Stages.Single(s => s.Stage == "compare").Outcome);
        // Promoted or refused, the gate's decision is the comparison on those lines.
        Assert.Contains(held, second.Stages.Single(s => s.Stage == "promote").Outcome);
    }

    [Fact]
    public void AConfigWithoutInputsIsRefused()
    {
        File.WriteAllText(Path.Combine(_dir, "empty.json"), """{ "generator": "x" }""");
        Assert.Contains("no inputs", Assert.Throws<ArgumentException>(() => PipelineConfig.Load(Path.Combine(_dir, "empty.json"))).Message);
    }

    [Fact]
    public void TheWorkFolderIsOnePerGeneratorUnlessTheConfigNamesOne()
    {
        File.WriteAllText(Path.Combine(_dir, "alice.json"), """{ "generator": "wonderland", "inputs": ["alice.txt"], "registry_root": "models" }""");
        var config = PipelineConfig.Load(Path.Combine(_dir, "alice.json"));
        Assert.Equal(Path.Combine(_dir, "artifacts", "pipeline", "wonderland"), config.WorkDir);
        File.WriteAllText(Path.Combine(_dir, "typo.json"), """{ "generator": "x", "inputs": ["a.txt"], "stpes": 5 }""");
        Assert.Contains("stpes", Assert.Throws<InvalidDataException>(() => PipelineConfig.Load(Path.Combine(_dir, "typo.json"))).Message);
    }
}
