using System.Text.Json;
using System.Text.Json.Serialization;

namespace TextGameGen.Grains.Game.World;

/// <summary>
/// The world definition files, <c>&lt;root&gt;/&lt;id&gt;.json</c> (versioned in the repository's <c>worlds/</c>). Read
/// when a world first starts and when a game master reloads it; a file that is not a valid world is an error naming it.
/// </summary>
public sealed class WorldFiles(string? root)
{
    /// <summary>The folder read: the one configured, else <c>worlds/</c> in the working folder or the nearest folder above it.</summary>
    public string? Root { get; } = root ?? FindUpwards("worlds");

    public string PathOf(string id) => Path.Combine(Root ?? "worlds", id + ".json");

    /// <summary>The definition of a world, or null when it has no file.</summary>
    public WorldDefinition? Find(string id)
    {
        if (Root is null || !WorldIds.IsValid(id) || !File.Exists(PathOf(id))) return null;
        return Read(PathOf(id), id);
    }

    /// <summary>Every world with a file, by id.</summary>
    public IReadOnlyList<WorldDefinition> All() =>
        Root is null || !Directory.Exists(Root) ? []
            : [.. Directory.GetFiles(Root, "*.json").Order(StringComparer.Ordinal).Select(f => Read(f, Path.GetFileNameWithoutExtension(f)))];

    /// <summary>Writes a new world's file (never over an existing one) and returns its path.</summary>
    public string Create(WorldDefinition definition)
    {
        if (definition.Problem() is { } problem) throw new ArgumentException($"World refused: {problem}.");
        string path = PathOf(definition.Id);
        if (File.Exists(path)) throw new IOException($"'{path}' exists already; edit it, or choose another id.");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(definition, WorldJson.Default.WorldDefinition) + Environment.NewLine);
        return path;
    }

    public static WorldDefinition Read(string path, string id)
    {
        WorldDefinition definition;
        try
        {
            definition = JsonSerializer.Deserialize(File.ReadAllText(path), WorldJson.Default.WorldDefinition)
                ?? throw new InvalidDataException($"'{path}' holds no world.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not a valid world definition: {ex.Message}", ex);
        }
        if (definition.Id != id) throw new InvalidDataException($"'{path}' defines world '{definition.Id}'; its file must be named {definition.Id}.json.");
        return definition.Problem() is { } problem ? throw new InvalidDataException($"'{path}': {problem}.") : definition;
    }

    private static string? FindUpwards(string folder)
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, folder))) return Path.Combine(dir.FullName, folder);
        return null;
    }
}

/// <summary>World definition files: snake_case keys, comments and trailing commas allowed, unknown keys refused.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, WriteIndented = true)]
[JsonSerializable(typeof(WorldDefinition))]
internal sealed partial class WorldJson : JsonSerializerContext;
