using System.CommandLine;
using TextGameGen.Grains.Game;
using TextGameGen.Grains.Game.World;
using TextGameGen.Inference.Registry;
using TextGameGen.Pipeline.Output;

namespace TextGameGen.Pipeline.Commands;

/// <summary><c>tgg world create|list</c>: the world definition files (<c>worlds/&lt;id&gt;.json</c>) that servers offer at sign-in.</summary>
internal static class WorldCommands
{
    public static Command Create() => new("world", "World definition files: the worlds players choose, each written by its own generator") { New(), List() };

    private static Option<string?> RootOption() => new("--root") { Description = "the worlds folder (default: worlds/ here or in the nearest folder above)" };

    private static Command New()
    {
        var id = new Option<string>("--id") { Required = true, Description = "the world's id and file name: lowercase letters, digits and '-'" };
        var generator = new Option<string>("--generator") { Required = true, Description = "the generator (registry name) that writes the world's passages" };
        var title = new Option<string?>("--title") { Description = "what the sign-in page shows (default: the id, capitalised)" };
        var description = new Option<string?>("--description") { Description = "one line under the title" };
        var from = new Option<string>("--from") { DefaultValueFactory = _ => "village", Description = "the rooms to start from: 'village' (built in) or the id of another world file" };
        var memory = new Option<string?>("--memory") { Description = "what every new player's story remembers (default: the template's)" };
        var note = new Option<string?>("--authors-note") { Description = "the author's note of every new player's story (default: the template's)" };
        var bookPeople = new Option<bool>("--book-people") { Description = "the people of the generator's books belong in this world (one book's world): their names are not kept out of its passages" };
        var root = RootOption();
        var registry = new Option<string>("--registry") { DefaultValueFactory = _ => "models", Description = "registry root, to check that the generator has a production version" };
        var command = new Command("create", "Writes worlds/<id>.json from a template, bound to a generator; servers list it at sign-in")
        {
            id, generator, title, description, from, memory, note, bookPeople, root, registry,
        };
        command.SetAction((parse, _) => CommandErrors.Guard(() =>
        {
            var files = new WorldFiles(parse.GetValue(root));
            string worldId = parse.GetValue(id)!, generatorName = parse.GetValue(generator)!, template = parse.GetValue(from)!;
            ModelRegistry.ValidateName(generatorName);
            var basis = template == "village" ? VillageTemplate.For(worldId, generatorName)
                : files.Find(template) ?? throw new ArgumentException($"There is no world file '{files.PathOf(template)}' to start from (--from village is built in).");
            var definition = basis with
            {
                Id = worldId,
                Title = parse.GetValue(title) ?? char.ToUpperInvariant(worldId[0]) + worldId[1..].Replace('-', ' '),
                Description = parse.GetValue(description) ?? $"A world written by the '{generatorName}' generator.",
                Generator = generatorName,
                SamplerPreset = null,
                Memory = parse.GetValue(memory) ?? basis.Memory,
                AuthorsNote = parse.GetValue(note) ?? basis.AuthorsNote,
                BookPeople = parse.GetValue(bookPeople),
            };
            string path = files.Create(definition);
            Console.WriteLine($"wrote {Path.GetRelativePath(Environment.CurrentDirectory, path)}: '{definition.Title}', {definition.Rooms.Count} rooms from {template}, written by '{generatorName}'");
            var models = new ModelRegistry(parse.GetValue(registry)!);
            Console.WriteLine(models.Production(generatorName) is { } version
                ? $"'{generatorName}' serves {version}: start the game (dotnet run --project WebFront) and choose '{definition.Title}' at sign-in; a running server lists it now"
                : $"note: '{generatorName}' has no production version in {models.Root} yet; the world's passages fail until it has one (tgg pipeline run, tgg registry promote)");
            return 0;
        }));
        return command;
    }

    private static Command List()
    {
        var root = RootOption();
        var command = new Command("list", "Every world file with its generator and rooms; a file that is not a valid world is an error naming it") { root };
        command.SetAction((parse, _) => CommandErrors.Guard(() =>
        {
            var files = new WorldFiles(parse.GetValue(root));
            if (files.Root is null) throw new DirectoryNotFoundException("No worlds/ folder here or above; give --root.");
            var table = TableWriter.With("world", "title", "generator", "preset", "#rooms", "start");
            foreach (var w in files.All()) table.Row(w.Id, w.Title, w.Generator, w.SamplerPreset ?? "active", w.Rooms.Count.ToString(), w.StartRoom);
            table.Write();
            return 0;
        }));
        return command;
    }
}
