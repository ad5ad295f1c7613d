using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using TextGameGen.Grains.Game;
using TextGameGen.Silo.Persistence;

namespace TextGameGen.Silo;

/// <summary>The game's grains' needs on a silo: options, the SQLite grain storage and the feedback store.</summary>
public static class GameHostingExtensions
{
    /// <summary>Configuration key of the SQLite file (default <c>data/textgamegen.db</c> under the working directory).</summary>
    public const string DatabaseKey = "TextGameGen:Storage:Database";
    public const string DefaultDatabase = "data/textgamegen.db";

    public static ISiloBuilder AddTextGameGenGame(this ISiloBuilder silo, string databasePath)
    {
        silo.Services.AddOptions<GameOptions>().BindConfiguration(GameOptions.Section);
        silo.Services.AddSingleton(new SqliteDatabase(databasePath));
        silo.Services.AddGrainStorage(GameStorage.Name, (sp, _) => new SqliteGrainStorage(sp.GetRequiredService<SqliteDatabase>()));
        silo.Services.AddSingleton<IFeedbackStore, SqliteFeedbackStore>();
        return silo;
    }
}
