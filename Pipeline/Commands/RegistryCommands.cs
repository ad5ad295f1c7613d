using System.CommandLine;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Runtime;
using TextGameGen.Pipeline.Evaluation;
using TextGameGen.Inference.Registry;

namespace TextGameGen.Pipeline.Commands;

/// <summary><c>tgg registry add|list|show|promote|rollback</c>.</summary>
internal static class RegistryCommands
{
    private static Option<string> RootOption() => new("--root") { DefaultValueFactory = _ => "models", Description = "registry root directory" };
    private static Option<string> GeneratorOption() => new("--generator") { Required = true, Description = "generator name, e.g. fantasy or wonderland" };

    public static Command Create() => new("registry", "Versioned models per generator, with a quality gate on promotion")
    {
        Add(), List(), Show(), Promote(), Rollback(),
    };

    private static Command Add()
    {
        var root = RootOption();
        var generator = GeneratorOption();
        var model = new Option<string>("--model") { Required = true, Description = "model directory to add" };
        var dev = new Option<string?>("--dev") { Description = "dev split (tagged lines) to measure perplexity on" };
        var maxLines = new Option<int>("--max-lines") { DefaultValueFactory = _ => 0 };
        var datasetHash = new Option<string?>("--dataset-sha256") { Description = "hash of the dataset it was trained on (corpus manifest)" };
        var parent = new Option<string?>("--parent") { Description = "the version it was fine-tuned from" };
        var command = new Command("add", "Add a model as the generator's next version") { root, generator, model, dev, maxLines, datasetHash, parent };
        command.SetAction(parse => CommandErrors.Guard(() =>
        {
            double? ppl = null;
            if (parse.GetValue(dev) is { } devFile)
            {
                if (!File.Exists(devFile)) throw new FileNotFoundException($"Dev file '{devFile}' does not exist.");
                var dir = ModelDirectory.Open(parse.GetValue(model)!);
                using var session = Gpt2Session.Open(dir.ModelPath);
                var lines = File.ReadAllLines(devFile).Where(l => l.Length > 0);
                if (parse.GetValue(maxLines) > 0) lines = lines.Take(parse.GetValue(maxLines));
                ppl = PerplexityEvaluator.Evaluate(session, lines.ToList(), dir.Config.Context).Perplexity;
            }
            var registry = new ModelRegistry(parse.GetValue(root)!);
            string version = registry.Add(parse.GetValue(generator)!, parse.GetValue(model)!, ppl, parse.GetValue(datasetHash), parse.GetValue(parent), SourceCommit());
            Console.WriteLine($"added {parse.GetValue(generator)} {version}{(ppl is { } p ? $" (dev perplexity {p:F2})" : "")}");
            return 0;
        }));
        return command;
    }

    private static Command List()
    {
        var root = RootOption();
        var command = new Command("list", "Generators, their versions and which is production") { root };
        command.SetAction(parse => CommandErrors.Guard(() =>
        {
            var registry = new ModelRegistry(parse.GetValue(root)!);
            Console.WriteLine("| generator | version | dev perplexity | production |");
            Console.WriteLine("| --- | --- | ---: | --- |");
            foreach (var g in registry.Generators())
                foreach (var v in registry.Versions(g))
                    Console.WriteLine($"| {g} | {v} | {ModelRegistry.DevPerplexity(registry.Manifest(g, v))?.ToString("F2") ?? "-"} | {(registry.Production(g) == v ? "yes" : "")} |");
            return 0;
        }));
        return command;
    }

    private static Command Show()
    {
        var root = RootOption();
        var generator = GeneratorOption();
        var version = new Option<string>("--version") { Required = true };
        var command = new Command("show", "A version's manifest") { root, generator, version };
        command.SetAction(parse => CommandErrors.Guard(() =>
        {
            Console.WriteLine(new ModelRegistry(parse.GetValue(root)!).Manifest(parse.GetValue(generator)!, parse.GetValue(version)!).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }));
        return command;
    }

    private static Command Promote()
    {
        var root = RootOption();
        var generator = GeneratorOption();
        var version = new Option<string>("--version") { Required = true };
        var force = new Option<string?>("--override") { Description = "promote despite the quality gate; the reason is recorded in the manifest" };
        var command = new Command("promote", "Make a version production if its dev perplexity beats production's") { root, generator, version, force };
        command.SetAction(parse => CommandErrors.Guard(() =>
        {
            Console.WriteLine(new ModelRegistry(parse.GetValue(root)!).Promote(parse.GetValue(generator)!, parse.GetValue(version)!, parse.GetValue(force)));
            return 0;
        }));
        return command;
    }

    private static Command Rollback()
    {
        var root = RootOption();
        var generator = GeneratorOption();
        var command = new Command("rollback", "Return production to the version before the last promotion") { root, generator };
        command.SetAction(parse => CommandErrors.Guard(() =>
        {
            Console.WriteLine(new ModelRegistry(parse.GetValue(root)!).Rollback(parse.GetValue(generator)!));
            return 0;
        }));
        return command;
    }

    private static string? SourceCommit()
    {
        try
        {
            using var git = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", "rev-parse HEAD") { RedirectStandardOutput = true, RedirectStandardError = true });
            if (git is null) return null;
            string output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
