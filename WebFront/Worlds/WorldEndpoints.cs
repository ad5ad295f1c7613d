using TextGameGen.Grains.Game;

namespace TextGameGen.WebFront.Worlds;

/// <summary><c>GET /api/worlds</c>: the worlds a player can choose on the sign-in page (open to everyone).</summary>
public static class WorldEndpoints
{
    public static void MapWorlds(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/worlds", async (IGrainFactory grains) => Results.Ok(await grains.GetGrain<IWorldIndexGrain>(0).ListAsync()));
}
