namespace TextGameGen.Grains.Game;

/// <summary>
/// A world as its definition file (<c>worlds/&lt;id&gt;.json</c>) or a game master describes it: its rooms with their exits,
/// items and people, where players start, the memory and author's note a new player's story begins with, and the
/// generator (model) that writes it, with the sampler preset of that generator to use (null: its active preset).
/// </summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.WorldDefinition")]
public sealed record WorldDefinition(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string Description,
    [property: Id(3)] string Generator,
    [property: Id(4)] string? SamplerPreset,
    [property: Id(5)] string StartRoom,
    [property: Id(6)] string Memory,
    [property: Id(7)] string AuthorsNote,
    [property: Id(8)] IReadOnlyList<RoomSpec> Rooms)
{
    /// <summary>
    /// The people of the generator's books belong in this world (a world made from one book: Wonderland's Hatter, the
    /// jungle's Baloo), so their names are not penalised (<c>TextGameGen:Game:ForeignNamePenalty</c>). Off by default:
    /// a village written by a model of many books should not meet Dorothy and Mowgli.
    /// </summary>
    [Id(9)] public bool BookPeople { get; init; }

    public WorldSummary Summary => new(Id, Title, Description, Generator);

    /// <summary>The first problem that makes this definition unusable, or null.</summary>
    public string? Problem()
    {
        if (!WorldIds.IsValid(Id)) return $"world id '{Id}' must be 1-48 lowercase letters, digits and '-'";
        if (string.IsNullOrWhiteSpace(Title)) return "a world needs a title";
        if (string.IsNullOrWhiteSpace(Generator)) return "a world names the generator that writes it";
        if (Rooms.Count == 0) return "a world needs at least one room";
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var room in Rooms)
        {
            if (!WorldIds.IsValid(room.Id)) return $"room id '{room.Id}' must be 1-48 lowercase letters, digits and '-'";
            if (!ids.Add(room.Id)) return $"room '{room.Id}' is defined twice";
            if (string.IsNullOrWhiteSpace(room.Name)) return $"room '{room.Id}' needs a name";
        }
        foreach (var room in Rooms)
            foreach (var (exit, target) in room.Exits)
                if (!ids.Contains(target)) return $"exit '{exit}' of room '{room.Id}' leads to '{target}', which is not a room of this world";
        return ids.Contains(StartRoom) ? null : $"the start room '{StartRoom}' is not a room of this world";
    }
}

/// <summary>What the sign-in page lists of a world.</summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.WorldSummary")]
public sealed record WorldSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string Description,
    [property: Id(3)] string Generator);

/// <summary>How a world's passages are written: its generator and sampler preset (null: the generator's active one).</summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.StorySettings")]
public sealed record StorySettings(
    [property: Id(0)] string Generator,
    [property: Id(1)] string? SamplerPreset)
{
    /// <summary>The world's <see cref="WorldDefinition.BookPeople"/>: the books' names are not penalised.</summary>
    [Id(2)] public bool BookPeople { get; init; }
}

/// <summary>The ids of worlds and rooms: lowercase letters, digits and '-', as in file names and URLs.</summary>
public static class WorldIds
{
    public static bool IsValid(string id) =>
        id.Length is > 0 and <= GameLimits.MaxRoomIdChars && char.IsAsciiLetterOrDigit(id[0]) && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
