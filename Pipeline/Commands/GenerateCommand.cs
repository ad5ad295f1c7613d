using System.CommandLine;
using TextGameGen.Contracts.Generation;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Packaging;
using TextGameGen.Inference.Runtime;
using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Pipeline.Commands;

/// <summary><c>tgg generate</c>: streams a continuation to the console.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var defaults = new SamplerSettings();
        var model = new Option<string>("--model") { Description = "model directory", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "prompt text (story tokens such as <|action|> allowed)", Required = true };
        var temperature = new Option<float>("--temperature") { DefaultValueFactory = _ => defaults.Temperature, Description = "0 = greedy" };
        var topK = new Option<int>("--top-k") { DefaultValueFactory = _ => defaults.TopK, Description = "0 = off" };
        var topP = new Option<float>("--top-p") { DefaultValueFactory = _ => defaults.TopP, Description = "1 = off" };
        var penalty = new Option<float>("--repetition-penalty") { DefaultValueFactory = _ => defaults.RepetitionPenalty };
        var range = new Option<int>("--repetition-range") { DefaultValueFactory = _ => defaults.RepetitionPenaltyRange, Description = "recent tokens the penalty looks at; 0 = all" };
        var maxNew = new Option<int>("--max-new-tokens") { DefaultValueFactory = _ => defaults.MaxNewTokens };
        var stop = new Option<string[]>("--stop") { Description = "stop string (repeatable)", AllowMultipleArgumentsPerToken = false };
        var seed = new Option<int?>("--seed") { Description = "makes the output deterministic" };
        var device = ModelOptions.Device();
        var command = new Command("generate", "Stream a continuation of a prompt to the console")
        {
            model, prompt, temperature, topK, topP, penalty, range, maxNew, stop, seed, device,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.Guard(async () =>
        {
            var settings = new SamplerSettings
            {
                Temperature = parse.GetValue(temperature),
                TopK = parse.GetValue(topK),
                TopP = parse.GetValue(topP),
                RepetitionPenalty = parse.GetValue(penalty),
                RepetitionPenaltyRange = parse.GetValue(range),
                MaxNewTokens = parse.GetValue(maxNew),
                StopStrings = parse.GetValue(stop) ?? [],
                Seed = parse.GetValue(seed),
            };
            settings.EnsureValid();
            var dir = ModelDirectory.Open(parse.GetValue(model)!);
            // The server's path with a batch of one: the same decoder, scheduler, sampler and streaming.
            var opened = BatchDecoders.Open(dir, ModelOptions.Session(parse.GetValue(device)!), KvLayout.Slots, rows: 2, m => Console.Error.WriteLine(m));
            using var resource = opened.Resource;
            await using var scheduler = new GenerationScheduler(opened.Decoder, StoryTokenizer.Shared, new SchedulerOptions { MaxBatchSize = 1, ContextLength = dir.Config.Context });
            GenerationEvent? last = null;
            await foreach (var e in scheduler.GenerateAsync(StoryTokenizer.Shared.Encode(parse.GetValue(prompt)!), settings, cancellationToken: cancellationToken))
            {
                Console.Write(e.Text);
                if (e.IsFinal) last = e;
            }
            Console.WriteLine();
            Console.Error.WriteLine(last?.Outcome == GenerationOutcome.Completed ? $"[finished: {last.Finish}]" : $"[{last?.Outcome}: {last?.Error}]");
            if (last?.Outcome != GenerationOutcome.Completed) return CommandErrors.Failure;
            return 0;
        }));
        return command;
    }
}
