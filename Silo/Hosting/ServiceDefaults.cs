using Microsoft.Extensions.DependencyInjection;
using TextGameGen.Grains.Game;

namespace TextGameGen.Silo.Hosting;

/// <summary>
/// What every TextGameGen host (a silo, a front end, both in one process) shares, in the manner of eShop's
/// ServiceDefaults: the options classes bound from configuration and validated at start, so a wrong setting stops
/// the start with a message naming its key.
/// </summary>
public static class ServiceDefaults
{
    public static IServiceCollection AddTextGameGenOptions(this IServiceCollection services)
    {
        services.AddOptions<GameOptions>().BindConfiguration(GameOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ClusterSettings>().BindConfiguration(ClusterSettings.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }
}
