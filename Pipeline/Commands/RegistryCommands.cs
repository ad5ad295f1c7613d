using System.CommandLine;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Inference.Packaging;
using TextGameGen.Inference.Registry;
using TextGameGen.Pipeline.Evaluation;
using TextGameGen.Pipeline.Output;

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
        var defaults = new SamplerSettings();
        var temperature = new Option<float>("--temperature") { DefaultValueFactory = _ => defaults.Temperature };
        var topK = new Option<int>("--top-k") { DefaultValueFactory = _ => defaults.TopK };
        var topP = new Option<float>("--top-p") { DefaultValueFactory = _ => defaults.TopP };
        var penalty = new Option<float>("--repetition-penalty") { DefaultValueFactory = _ => defaults.RepetitionPenalty };
        var range = new Option<int>("--repetition-range") { DefaultValueFactory = _ => defaults.RepetitionPenaltyRange };
        var note = new Option<string>("--note") { DefaultValueFactory = _ => "", Description = "why these settings (kept with the version)" };
        var inactive = new Option<bool>("--inactive") { Description = "store it without making it active" };
        foreach (var o in new Option[] { root, generator, temperature, topK, topP, penalty, range, note, inactive }) add.Options.Add(o);
        add.SetAction(parse => CommandErrors.Guard(() =>
        {
            var presets = new SamplerPresetRegistry(parse.GetValue(root)!);
            var sampler = new SamplerSettings
            {
                Temperature = parse.GetValue(temperature),
                TopK = parse.GetValue(topK),
                TopP = parse.GetValue(topP),
                RepetitionPenalty = parse.GetValue(penalty),
                RepetitionPenaltyRange = parse.GetValue(range),
            };
            var version = presets.Add(parse.GetValue(generator)!, sampler, parse.GetValue(note)!, activate: !parse.GetValue(inactive));
            Console.WriteLine($"added {parse.GetValue(generator)} sampler preset {version}{(parse.GetValue(inactive) ? "" : " (active)")}");
            return 0;
        }));

        var listRoot = RootOption();
        var listGenerator = GeneratorOption();
        var list = new Command("list", "A generator's sampler presets") { listRoot, listGenerator };
        list.SetAction(parse => CommandErrors.Guard(() =>
        {
            var table = TableWriter.With("preset", "#temperature", "#top-k", "#top-p", "#repetition penalty", "#range", "active", "note");
            foreach (var p in new SamplerPresetRegistry(parse.GetValue(listRoot)!).List(parse.GetValue(listGenerator)!))
                table.Row(p.Version, p.Sampler.Temperature, p.Sampler.TopK, p.Sampler.TopP, p.Sampler.RepetitionPenalty, p.Sampler.RepetitionPenaltyRange, p.Active ? "yes" : "", p.Note);
            table.Write();
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
        var parent = new Option<string?>("--parent") { Description = "the version it was fine-tuned or quantized from ('production': the generator's production version now)" };
        var command = new Command("add", "Add a model as the generator's next version") { root, generator, model, dev, maxLines, datasetHash, parent };
        command.SetAction(parse => CommandErrors.Guard(() =>
        {
            double? ppl = parse.GetValue(dev) is { } devFile
                ? LongTask.Run("dev perplexity", sink => ModelEvaluation.Evaluate(parse.GetValue(model)!, [devFile], parse.GetValue(maxLines), progress: sink))[0].Result.Perplexity
                : null;
            var registry = new ModelRegistry(parse.GetValue(root)!);
            string name = parse.GetValue(generator)!;
            string? parentVersion = parse.GetValue(parent);
            if (parentVersion == "production")
                parentVersion = registry.Production(name) ?? throw new ArgumentException($"--parent production: '{name}' has no production version; name the version.");
            else if (parentVersion is not null && !registry.Versions(name).Contains(parentVersion))
                throw new ArgumentException($"--parent {parentVersion}: '{name}' has no such version ({string.Join(", ", registry.Versions(name))}).");
            string version = registry.Add(name, parse.GetValue(model)!, ppl, parse.GetValue(datasetHash), parentVersion, SourceCommit());
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
            var table = TableWriter.With("generator", "version", "#dev perplexity", "production", "#load failures");
            foreach (var g in registry.Generators())
                foreach (var v in registry.Versions(g))
                    table.Row(g, v, registry.Manifest(g, v).Metrics?.DevPerplexity?.ToString("F2") ?? "-", registry.Production(g) == v ? "yes" : "", registry.LoadFailures(g, v).Count);
            table.Write();
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
            var registry = new ModelRegistry(parse.GetValue(root)!);
            string g = parse.GetValue(generator)!, v = parse.GetValue(version)!;
            Console.WriteLine(File.ReadAllText(Path.Combine(registry.VersionPath(g, v), ModelDirectory.ManifestFile)).TrimEnd());
            registry.Manifest(g, v); // refuses a manifest that is not valid
            var failures = registry.LoadFailures(g, v);
            Console.WriteLine(failures.Count == 0 ? "load: no server has reported a failure to load it"
                : $"load: FAILED on {failures.Count} server start(s); last on {failures[^1].Host} at {failures[^1].Utc}: {failures[^1].Message}");
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
            var decision = new ModelRegistry(parse.GetValue(root)!).Promote(parse.GetValue(generator)!, parse.GetValue(version)!, parse.GetValue(force));
            if (!decision.Promoted) throw new InvalidOperationException(decision.Message);
            Console.WriteLine(decision.Message);
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
