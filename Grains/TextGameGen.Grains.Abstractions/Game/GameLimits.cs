namespace TextGameGen.Grains.Game;

/// <summary>Sizes the grains accept, shared with the front end so it refuses oversize text before any grain call.</summary>
public static class GameLimits
{
    /// <summary>A world event, an announcement or a room description.</summary>
    public const int MaxEventChars = 1000;

    /// <summary>A test prompt in the model test pane.</summary>
    public const int MaxTestPromptChars = 4000;

    /// <summary>A rating's comment.</summary>
    public const int MaxCommentChars = 500;

    /// <summary>A player's name.</summary>
    public const int MaxNameChars = 40;

    /// <summary>A room id (lowercase letters, digits, '-').</summary>
    public const int MaxRoomIdChars = 48;

    /// <summary>A room's name.</summary>
    public const int MaxRoomNameChars = 80;

    /// <summary>A player id.</summary>
    public const int MaxPlayerIdChars = 64;
}
