using System.CommandLine;
using TextGameGen.Inference.Generation;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Runtime;
using TextGameGen.Inference.Sampling;
using TextGameGen.Inference.Tokenization;

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
            using var session = Gpt2Session.Open(dir.ModelPath, ModelOptions.Session(parse.GetValue(device)!), m => Console.Error.WriteLine(m));
            var generator = new TextGenerator(session, StoryTokenizer.Shared, dir.Config.Context);
            FinishReason? finish = null;
            await foreach (var delta in generator.GenerateAsync(parse.GetValue(prompt)!, settings, cancellationToken))
            {
                Console.Write(delta.Text);
                finish = delta.Finish ?? finish;
            }
            Console.WriteLine();
            Console.Error.WriteLine($"[finished: {finish}]");
            return 0;
        }));
        return command;
    }
}
