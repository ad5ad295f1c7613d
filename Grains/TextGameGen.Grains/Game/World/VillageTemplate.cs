namespace TextGameGen.Grains.Game.World;

/// <summary>
/// The world a world id without a definition file starts as: a village with a tavern, a chapel and a wood. The deep
/// wood has no description: the model writes it on the first visit.
/// </summary>
public static class VillageTemplate
{
    public static WorldDefinition For(string id, string generator) => new(id, "The Village", "A village at the edge of a dark wood.", generator, null, "square",
        "", "", Rooms);

    private static readonly IReadOnlyList<RoomSpec> Rooms =
    [
        new("square", "Village Square", "A cobbled square around an old stone well. Lanterns hang from the eaves, and a notice board leans by the well.",
            new Dictionary<string, string> { ["north"] = "forest-edge", ["east"] = "tavern", ["south"] = "chapel" }, ["lantern", "rope"], ["old woman"]),
        new("tavern", "The Prancing Goat", "A low, smoky tavern. A fire crackles in the hearth and the innkeeper polishes mugs behind the bar.",
            new Dictionary<string, string> { ["west"] = "square" }, ["mug", "loaf of bread"], ["innkeeper"]),
        new("forest-edge", "Edge of the Dark Wood", "The village ends at a line of black pines. A narrow path winds north between them.",
            new Dictionary<string, string> { ["south"] = "square", ["north"] = "deep-wood" }, ["walking stick"], ["woodcutter"]),
        new("deep-wood", "Deep in the Wood", "",
            new Dictionary<string, string> { ["south"] = "forest-edge" }, ["mushroom"], ["hermit"]),
        new("chapel", "Ruined Chapel", "Broken pews and a roof open to the sky. Ivy climbs over the altar.",
            new Dictionary<string, string> { ["north"] = "square" }, ["silver key"], ["priest"]),
    ];
}
