using System.CommandLine;
using TextGameGen.Inference.Checkpoints;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Packaging;

namespace TextGameGen.Pipeline.Commands;

/// <summary><c>tgg model create</c> and <c>tgg model import</c>.</summary>
internal static class ModelCommands
{
    public static Command Create() => new("model", "Create or import models") { CreateCommand(), ImportCommand() };

    private static Command CreateCommand()
    {
        var shape = new Option<string>("--shape") { Description = "tiny, small-124M or medium-355M", Required = true };
        var seed = new Option<int>("--seed") { Description = "random seed for the weights", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "model directory to write", Required = true };
        var style = ModelOptions.Style();
        var fp16 = ModelOptions.Fp16();
        var command = new Command("create", "Create a model with seeded random weights in GPT-2's initialisation scheme") { shape, seed, output, style, fp16 };
        command.SetAction(parse => CommandErrors.Guard(() =>
        {
            var config = Gpt2Config.FromShapeName(parse.GetValue(shape)!);
            var weights = Gpt2Weights.CreateRandom(config, parse.GetValue(seed));
            var options = new OnnxExportOptions { Style = ModelOptions.ParseStyle(parse.GetValue(style)!), Float16 = parse.GetValue(fp16) };
            var source = new ModelSource { Kind = "random", Shape = parse.GetValue(shape), Seed = parse.GetValue(seed) };
            var dir = ModelDirectory.Save(parse.GetValue(output)!, weights, options, source);
            Console.WriteLine($"wrote {dir.ModelPath} ({config.ParameterCount:N0} parameters)");
            return 0;
        }));
        return command;
    }

    private static Command ImportCommand()
    {
        var file = new Option<string>("--safetensors") { Description = "a Hugging Face GPT-2 model.safetensors", Required = true };
        var output = new Option<string>("--out") { Description = "model directory to write", Required = true };
        var heads = new Option<int?>("--heads") { Description = "attention heads (default: n_head from config.json beside the file, else width/64)" };
        var style = ModelOptions.Style();
        var fp16 = ModelOptions.Fp16();
        var command = new Command("import", "Import a Hugging Face GPT-2 checkpoint, adding the story tokens") { file, output, heads, style, fp16 };
        command.SetAction(parse => CommandErrors.Guard(() =>
        {
            string path = parse.GetValue(file)!;
            if (!File.Exists(path)) throw new FileNotFoundException($"'{path}' does not exist.");
            var weights = HuggingFaceGpt2Import.Import(path, parse.GetValue(heads));
            var options = new OnnxExportOptions { Style = ModelOptions.ParseStyle(parse.GetValue(style)!), Float16 = parse.GetValue(fp16) };
            var source = new ModelSource { Kind = "huggingface", File = $"{Path.GetFileName(path)} (sha256 {ModelDirectory.Sha256(path)})" };
            var dir = ModelDirectory.Save(parse.GetValue(output)!, weights, options, source);
            Console.WriteLine($"wrote {dir.ModelPath}: {weights.Config.Layers} layers, {weights.Config.Heads} heads, width {weights.Config.Width}");
            return 0;
        }));
        return command;
    }
}
