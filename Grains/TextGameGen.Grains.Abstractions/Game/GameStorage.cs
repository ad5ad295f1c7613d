namespace TextGameGen.Grains.Game;

/// <summary>The grain storage provider that players, worlds and rooms are kept in.</summary>
public static class GameStorage
{
    public const string Name = "game";
}
