using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;
using TextGameGen.Grains.Game;
using TextGameGen.Grains.Game.World;
using TextGameGen.Storage;

namespace TextGameGen.Silo.Hosting;

/// <summary>The game's grains' needs on a silo: their options, the grain storage and the feedback store.</summary>
public static class GameSiloExtensions
{
    public static ISiloBuilder AddTextGameGenGame(this ISiloBuilder silo)
    {
        silo.Services.AddTextGameGenOptions();
        silo.Services.AddSingleton<GameDatabase>(sp => new SqliteGameDatabase(sp.GetRequiredService<IOptions<StorageOptions>>().Value.Database));
        silo.Services.AddGrainStorage(GameStorage.Name, (sp, _) => new SqlGrainStorage(sp.GetRequiredService<GameDatabase>()));
        silo.Services.AddSingleton<IFeedbackStore, SqlFeedbackStore>();
        silo.Services.AddSingleton(sp => new WorldFiles(sp.GetRequiredService<IOptions<GameOptions>>().Value.WorldsRoot));
        return silo;
    }
}
