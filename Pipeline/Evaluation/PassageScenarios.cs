namespace TextGameGen.Pipeline.Evaluation;

/// <summary>A fixed first turn of a story: where the player stands and what they type (<c>do ...</c> or <c>say ...</c>).</summary>
public sealed record PassageScenario(string Room, string Command);

/// <summary>
/// The fixed prompts of <c>tgg eval passages</c>: twenty first turns in the rooms of <c>worlds/fantasy.json</c>, half
/// actions and half speech, so old and new models answer exactly the same contexts.
/// </summary>
public static class PassageScenarios
{
    public static IReadOnlyList<PassageScenario> Default { get; } =
    [
        new("square", "do look into the old well"),
        new("square", "say good morning, grandmother. What news?"),
        new("square", "do read the notice board"),
        new("tavern", "say innkeeper, a bowl of soup and a bed for the night"),
        new("tavern", "do sit by the fire and listen to the minstrel"),
        new("tavern", "say has anyone seen a stranger pass this way?"),
        new("loft", "do unfold the old map on the straw"),
        new("loft", "do look out of the round window at the wood"),
        new("forest-edge", "say woodcutter, is the path through the wood safe?"),
        new("forest-edge", "do follow the narrow path between the pines"),
        new("deep-wood", "do pick a mushroom from the roots of an oak"),
        new("deep-wood", "say hermit, I have lost my way"),
        new("witch-cottage", "do knock on the gingerbread door"),
        new("witch-cottage", "say I mean you no harm, old mother"),
        new("chapel", "do kneel before the broken altar"),
        new("chapel", "say father, who rang the bell last night?"),
        new("mill", "do watch the wheel turn in the stream"),
        new("mill", "say miller, I am looking for work"),
        new("kings-road", "do walk towards the castle on the hill"),
        new("kings-road", "say messenger, what does the king want?"),
    ];
}
