using System.CommandLine;
using TextGameGen.Grains.Game.World;
using TextGameGen.Pipeline.Lifecycle;
using TextGameGen.Pipeline.Output;

namespace TextGameGen.Pipeline.Commands;

/// <summary><c>tgg pipeline new|run</c>: a generator's configuration, and its whole lifecycle in one command.</summary>
internal static class PipelineCommand
{
    public static Command Create() => new("pipeline", "The whole lifecycle in one command") { New(), Run() };

    private static Command New()
    {
        var generator = new Option<string>("--generator") { Required = true, Description = "the new generator's name (registry folder; a world names it)" };
        var inputs = new Option<string[]>("--input") { Required = true, AllowMultipleArgumentsPerToken = true, Description = "books (.txt), dialogue exports (.tsv) or folders of them" };
        var like = new Option<string>("--like") { DefaultValueFactory = _ => "pipeline/one-book.json", Description = "the config whose model shape and training settings to copy" };
        var output = new Option<string?>("--out") { Description = "the new config (default: <generator>.json beside --like)" };
        var command = new Command("new", "A config for a new generator: another config's settings with this generator's name and inputs (its own work folder)")
        {
            generator, inputs, like, output,
        };
        command.SetAction((parse, _) => CommandErrors.Guard(() =>
        {
            string likePath = parse.GetValue(like)!, name = parse.GetValue(generator)!;
            Inference.Registry.ModelRegistry.ValidateName(name);
            string path = Path.GetFullPath(parse.GetValue(output) ?? Path.Combine(Path.GetDirectoryName(likePath) ?? ".", name + ".json"));
            if (File.Exists(path)) throw new IOException($"'{path}' exists already; edit it, or give another --out.");
            string folder = Path.GetDirectoryName(path)!;
            var missing = parse.GetValue(inputs)!.FirstOrDefault(i => !File.Exists(i) && !Directory.Exists(i));
            if (missing is not null) throw new FileNotFoundException($"Input '{missing}' does not exist.");
            var basis = PipelineConfig.ReadFile(likePath);
            var config = basis with
            {
                Generator = name,
                Inputs = [.. parse.GetValue(inputs)!.Select(i => Path.GetRelativePath(folder, Path.GetFullPath(i)))],
                HeldOut = [],
                WorkDir = null,
                RegistryRoot = Path.GetRelativePath(folder, Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(likePath))!, basis.RegistryRoot))),
            };
            Directory.CreateDirectory(folder);
            config.WriteFile(path);
            PipelineConfig.Load(path); // what run will read: checked now
            Console.WriteLine($"wrote {Path.GetRelativePath(Environment.CurrentDirectory, path)}: {config.Inputs.Length} input(s), the settings of {likePath}");
            Console.WriteLine($"next: tgg pipeline run --config {Path.GetRelativePath(Environment.CurrentDirectory, path)}");
            return 0;
        }));
        return command;
    }

    private static Command Run()
    {
        var config = new Option<string>("--config") { Required = true, Description = "pipeline configuration (JSON)" };
        var run = new Command("run", "Corpus, training, evaluation, registry and promotion, in order, with a summary; an interrupted run continues from its last checkpoint") { config };
        run.SetAction((parse, cancellationToken) => CommandErrors.Guard(() =>
        {
            var runner = new PipelineRunner(PipelineConfig.Load(parse.GetValue(config)!), Console.WriteLine);
            runner.Run(cancellationToken);
            Console.WriteLine();
            var table = TableWriter.With("stage", "outcome", "#seconds");
            foreach (var s in runner.Stages) table.Row(s.Stage, s.Outcome, s.Seconds.ToString("F1"));
            table.Write();
            var used = runner.Config;
            Console.WriteLine();
            Console.WriteLine($"model: {Here(Path.Combine(used.RegistryRoot, used.Generator, runner.Version))} ({used.Generator} {runner.Version}, {(runner.Promoted ? "production" : "not promoted")}); corpus and run: {Here(used.WorkDir!)}");
            Console.WriteLine(HowToPlay(used));
            return 0;
        }));
        return run;
    }

    /// <summary>Where the generator's world is, or the command that writes one; then how to play it.</summary>
    private static string HowToPlay(PipelineConfig used)
    {
        var files = new WorldFiles(Path.Combine(Path.GetDirectoryName(used.RegistryRoot)!, "worlds"));
        var worlds = Directory.Exists(files.Root) ? files.All().Where(w => w.Generator == used.Generator).ToList() : [];
        return worlds.Count > 0
            ? $"play: dotnet run --project WebFront, open http://localhost:5000 and choose {string.Join(" or ", worlds.Select(w => $"'{w.Title}' ({Here(files.PathOf(w.Id))})"))} at sign-in (a running server serves the new version within seconds)"
            : $"its world: tgg world create --id {used.Generator.ToLowerInvariant().Replace('_', '-')} --generator {used.Generator} --book-people; then dotnet run --project WebFront, open http://localhost:5000 and choose it at sign-in";
    }

    private static string Here(string path) => Path.GetRelativePath(Environment.CurrentDirectory, path);
}
