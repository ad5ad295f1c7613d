namespace TextGameGen.WebFront.Tests;

/// <summary>World definition files for test servers: a folder with one small world per (id, generator).</summary>
public static class TestWorlds
{
    public static string Folder(params (string Id, string Generator)[] worlds)
    {
        var folder = Directory.CreateTempSubdirectory("tgg-worlds-").FullName;
        foreach (var (id, generator) in worlds)
            File.WriteAllText(Path.Combine(folder, id + ".json"), $$"""
                {
                  "id": "{{id}}", "title": "World {{id}}", "description": "A test world written by {{generator}}.",
                  "generator": "{{generator}}", "sampler_preset": null, "start_room": "square",
                  "memory": "", "authors_note": "",
                  "rooms": [
                    { "id": "square", "name": "Village Square", "description": "A cobbled square around an old stone well.",
                      "exits": { "north": "forest-edge", "east": "tavern", "south": "chapel" }, "items": ["lantern", "rope"], "npcs": ["old woman"] },
                    { "id": "tavern", "name": "The Prancing Goat", "description": "A low, smoky tavern.",
                      "exits": { "west": "square" }, "items": ["mug"], "npcs": ["innkeeper"] },
                    { "id": "forest-edge", "name": "Edge of the Dark Wood", "description": "Black pines.",
                      "exits": { "south": "square" }, "items": [], "npcs": ["woodcutter"] },
                    { "id": "chapel", "name": "Ruined Chapel", "description": "Broken pews.",
                      "exits": { "north": "square" }, "items": ["silver key"], "npcs": ["priest"] }
                  ]
                }
                """);
        return folder;
    }
}
