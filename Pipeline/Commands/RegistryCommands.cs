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
        Add(), List(), Show(), Promote(), Rollback(), Preset(),
    };

    /// <summary><c>tgg registry preset add|list|activate</c>: sampler settings versioned beside the models.</summary>
    private static Command Preset()
    {
        var add = new Command("add", "Store new sampler settings as the generator's next preset version and make it active (servers following the registry use it for new passages)");
        var root = RootOption();
        var generator = GeneratorOption();
        var temperature = new Option<float>("--temperature") { DefaultValueFactory = _ => 0.8f };
        var topK = new Option<int>("--top-k") { DefaultValueFactory = _ => 40 };
        var topP = new Option<float>("--top-p") { DefaultValueFactory = _ => 0.95f };
        var penalty = new Option<float>("--repetition-penalty") { DefaultValueFactory = _ => 1.15f };
        var range = new Option<int>("--repetition-range") { DefaultValueFactory = _ => 64 };
        var note = new Option<string>("--note") { DefaultValueFactory = _ => "", Description = "why these settings (kept with the version)" };
        var inactive = new Option<bool>("--inactive") { Description = "store it without making it active" };
        foreach (var o in new Option[] { root, generator, temperature, topK, topP, penalty, range, note, inactive }) add.Options.Add(o);
        add.SetAction(parse => CommandErrors.Guard(() =>
        {
            var presets = new SamplerPresetRegistry(parse.GetValue(root)!);
            var preset = new SamplerPreset(parse.GetValue(temperature), parse.GetValue(topK), parse.GetValue(topP), parse.GetValue(penalty), parse.GetValue(range));
            var version = presets.Add(parse.GetValue(generator)!, preset, parse.GetValue(note)!, activate: !parse.GetValue(inactive));
            Console.WriteLine($"added {parse.GetValue(generator)} sampler preset {version}{(parse.GetValue(inactive) ? "" : " (active)")}");
            return 0;
        }));

        var listRoot = RootOption();
        var listGenerator = GeneratorOption();
        var list = new Command("list", "A generator's sampler presets") { listRoot, listGenerator };
        list.SetAction(parse => CommandErrors.Guard(() =>
        {
            Console.WriteLine("| preset | temperature | top-k | top-p | repetition penalty | range | active | note |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |");
            foreach (var p in new SamplerPresetRegistry(parse.GetValue(listRoot)!).List(parse.GetValue(listGenerator)!))
                Console.WriteLine($"| {p.Version} | {p.Preset.Temperature} | {p.Preset.TopK} | {p.Preset.TopP} | {p.Preset.RepetitionPenalty} | {p.Preset.RepetitionPenaltyRange} | {(p.Active ? "yes" : "")} | {p.Note} |");
            return 0;
        }));

        var activateRoot = RootOption();
        var activateGenerator = GeneratorOption();
        var version = new Option<string>("--version") { Required = true, Description = "the preset version to make active (an older one rolls back)" };
        var activate = new Command("activate", "Make a stored preset the active one") { activateRoot, activateGenerator, version };
        activate.SetAction(parse => CommandErrors.Guard(() =>
        {
            new SamplerPresetRegistry(parse.GetValue(activateRoot)!).Activate(parse.GetValue(activateGenerator)!, parse.GetValue(version)!);
            Console.WriteLine($"{parse.GetValue(activateGenerator)} sampler preset {parse.GetValue(version)} is active");
            return 0;
        }));
        return new Command("preset", "Sampler settings per generator, versioned in the registry (change settings without retraining)") { add, list, activate };
    }

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
