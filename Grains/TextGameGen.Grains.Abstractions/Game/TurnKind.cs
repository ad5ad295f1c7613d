namespace TextGameGen.Grains.Game;

/// <summary>What a turn is: a player's verb, or something the world did to the player's story.</summary>
[GenerateSerializer, Alias("TextGameGen.TurnKind")]
public enum TurnKind
{
    Help,
    Do,
    Say,
    Story,
    Continue,
    Retry,
    Undo,
    Look,
    Go,
    Take,
    Drop,
    Inventory,
    Talk,
    Quests,
    /// <summary>A game master's world event, narrated in the player's story.</summary>
    World,
    /// <summary>A game master's announcement (no passage).</summary>
    Announcement,
}
