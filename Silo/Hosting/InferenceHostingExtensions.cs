using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Packaging;
using TextGameGen.Inference.Registry;
using TextGameGen.Silo.Generation;

namespace TextGameGen.Silo.Hosting;

/// <summary>Registers this silo's models and schedulers (shared by the headless silo and WebFront's embedded mode).</summary>
public static partial class InferenceHostingExtensions
{
    public static IServiceCollection AddTextGameGenInference(this IServiceCollection services)
    {
        services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<GeneratorCatalog>();
        services.AddSingleton<GeneratorHost>();
        services.AddHostedService<GeneratorLoader>();
        services.AddHostedService<GeneratorLoadReporter>();
        return services;
    }

    /// <summary>
    /// Loads the configured generators before the silo takes calls; with a registry, follows its promotions.
    /// </summary>
    private sealed partial class GeneratorLoader(GeneratorHost host, IOptions<InferenceOptions> options, ILogger<GeneratorLoader> logger) : BackgroundService
    {
        private ModelRegistry? _followed;

        public override Task StartAsync(CancellationToken cancellationToken)
        {
            var o = options.Value;
            if (o.RegistryRoot is { } root)
            {
                _followed = new ModelRegistry(root);
                host.SyncWithRegistry(_followed);
            }
            else if (o.Generators.Count == 0 && BundledRegistry() is { } bundled)
            {
                // The repository's own registry (models/) with a production version: the bundled default, followed too.
                _followed = bundled;
                host.SyncWithRegistry(bundled);
            }
            else
            {
                var generators = o.Generators.Count > 0
                    ? o.Generators
                    : new Dictionary<string, string> { ["default"] = EnsureDefaultModel(o.DefaultModelPath) };
                foreach (var (name, path) in generators) host.Load(name, path, Path.GetFileName(Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar)));
            }
            return base.StartAsync(cancellationToken);
        }

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            if (_followed is not { } registry) return;
            using var timer = new PeriodicTimer(options.Value.RegistryPollInterval);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    host.SyncWithRegistry(registry);
                }
                catch (Exception ex) when (ex is IOException or InvalidDataException or ArgumentException or System.Text.Json.JsonException)
                {
                    LogSyncFailed(logger, ex.Message);
                }
            }
        }

        public override async Task StopAsync(CancellationToken cancellationToken)
        {
            await base.StopAsync(cancellationToken);
            await host.DisposeAsync();
        }

        /// <summary>
        /// The repository's registry: <c>models/</c> in the working directory or the nearest folder above it that has one
        /// with a production version (<c>dotnet run --project WebFront</c> runs in <c>WebFront/</c>).
        /// </summary>
        private static ModelRegistry? BundledRegistry()
        {
            for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            {
                var root = Path.Combine(dir.FullName, "models");
                if (!Directory.Exists(root)) continue;
                var registry = new ModelRegistry(root);
                if (registry.Generators().Any(g => registry.Production(g) is not null)) return registry;
            }
            return null;
        }

        private string EnsureDefaultModel(string path)
        {
            if (File.Exists(Path.Combine(path, ModelDirectory.ModelFile))) return path;
            // No bundled model yet: a tiny random one, kept outside the repository.
            path = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
                "TextGameGen", "models", "default-random-tiny");
            if (File.Exists(Path.Combine(path, ModelDirectory.ModelFile))) return path;
            LogCreatingDefault(logger, path);
            var weights = Gpt2Weights.CreateRandom(Gpt2Config.Tiny, seed: 1);
            ModelDirectory.Save(path, weights, OnnxExportOptions.Default, new ModelSource { Kind = "random", Shape = "tiny", Seed = 1 });
            return path;
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the model registry: {Message}")]
        private static partial void LogSyncFailed(ILogger logger, string message);

        [LoggerMessage(Level = LogLevel.Warning, Message = "No model at {Path}: creating a tiny model with seeded random weights there (it writes gibberish until a trained model is installed)")]
        private static partial void LogCreatingDefault(ILogger logger, string path);
    }
}
