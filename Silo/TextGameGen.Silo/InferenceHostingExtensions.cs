using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TextGameGen.Grains.Generation;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Runtime;
using TextGameGen.Inference.Scheduling;
using TextGameGen.Inference.Tokenization;

namespace TextGameGen.Silo;

/// <summary>Registers this silo's models and schedulers (shared by the headless silo and WebFront's embedded mode).</summary>
public static partial class InferenceHostingExtensions
{
    public static IServiceCollection AddTextGameGenInference(this IServiceCollection services)
    {
        services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<GeneratorCatalog>();
        services.AddHostedService<GeneratorLoader>();
        return services;
    }

    /// <summary>Loads every configured generator before the silo takes calls, and stops the schedulers at shutdown.</summary>
    private sealed partial class GeneratorLoader(GeneratorCatalog catalog, IOptions<InferenceOptions> options, ILogger<GeneratorLoader> logger) : IHostedService
    {
        private readonly List<(GenerationScheduler Scheduler, Gpt2Session Session)> _loaded = [];

        public Task StartAsync(CancellationToken cancellationToken)
        {
            var o = options.Value;
            var generators = o.Generators.Count > 0
                ? o.Generators
                : new Dictionary<string, string> { ["default"] = EnsureDefaultModel(o.DefaultModelPath) };
            var settings = new SessionSettings { Device = SessionSettings.ParseDevice(o.Device) };
            foreach (var (name, path) in generators)
            {
                var dir = ModelDirectory.Open(path);
                var session = Gpt2Session.Open(dir.ModelPath, settings, m => LogDeviceFallback(logger, m));
                var scheduler = new GenerationScheduler(session, StoryTokenizer.Shared, new SchedulerOptions
                {
                    Mode = o.Mode,
                    MaxBatchSize = o.MaxBatchSize,
                    MaxQueueLength = o.MaxQueueLength,
                    MaxPrefillTokensPerStep = o.MaxPrefillTokensPerStep,
                    MaxKvTokens = o.MaxKvTokens,
                    ContextLength = dir.Config.Context,
                });
                catalog.Set(name, scheduler);
                _loaded.Add((scheduler, session));
                LogLoaded(logger, name, path, session.ActiveDevice.ToString());
            }
            return Task.CompletedTask;
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
            ModelDirectory.Save(path, weights, OnnxExportOptions.Default, new JsonObject { ["kind"] = "random", ["shape"] = "tiny", ["seed"] = 1 });
            return path;
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            foreach (var (scheduler, session) in _loaded)
            {
                await scheduler.DisposeAsync();
                session.Dispose();
            }
            _loaded.Clear();
        }

        [LoggerMessage(Level = LogLevel.Information, Message = "Generator {Name} loaded from {Path} on {Device}")]
        private static partial void LogLoaded(ILogger logger, string name, string path, string device);

        [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
        private static partial void LogDeviceFallback(ILogger logger, string message);

        [LoggerMessage(Level = LogLevel.Warning, Message = "No model at {Path}: creating a tiny model with seeded random weights there (it writes gibberish until a trained model is installed)")]
        private static partial void LogCreatingDefault(ILogger logger, string path);
    }
}
