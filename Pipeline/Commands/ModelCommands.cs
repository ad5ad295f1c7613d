using System.CommandLine;
using TextGameGen.Inference.Checkpoints;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Packaging;

namespace TextGameGen.Pipeline.Commands;

/// <summary><c>tgg model create</c>, <c>tgg model import</c> and <c>tgg model quantize</c>.</summary>
internal static class ModelCommands
{
    public static Command Create() => new("model", "Create, import or quantize models") { CreateCommand(), ImportCommand(), QuantizeCommand(), NamesCommand() };

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

    private static Command NamesCommand()
    {
        var model = new Option<string>("--model") { Description = "model directory (a registered version too: the file's hash goes into its manifest)", Required = true };
        var corpus = new Option<string>("--corpus") { Description = "the training split it learnt from (the corpus folder's train.txt)", Required = true };
        var command = new Command("names", "Write names.txt beside a model: the character names of its books, which the game keeps out of passages unless the context gives them")
        {
            model, corpus,
        };
        command.SetAction(parse => CommandErrors.Guard(() =>
        {
            var dir = ModelDirectory.Open(parse.GetValue(model)!);
            string train = parse.GetValue(corpus)!;
            if (!File.Exists(train)) throw new FileNotFoundException($"'{train}' does not exist.");
            var names = Corpus.CorpusNames.WriteFor(dir.Path, train);
            Console.WriteLine($"wrote {Path.Combine(dir.Path, ModelDirectory.NamesFile)}: {names.Count} names ({string.Join(", ", names.Take(12))}{(names.Count > 12 ? ", ..." : "")})");
            return 0;
        }));
        return command;
    }

    private static Command QuantizeCommand()
    {
        var model = new Option<string>("--model") { Description = "model directory written by this project (float32 or float16 weights)", Required = true };
        var output = new Option<string>("--out") { Description = "model directory to write", Required = true };
        var bits = new Option<string>("--bits")
        {
            Description = "8 (int8, a scale per column, DynamicQuantizeMatMul), 4 (int4 in blocks of 32, MatMulNBits), or int8-blocks (MatMulNBits at 8 bits)",
            DefaultValueFactory = _ => "8",
        };
        var command = new Command("quantize", "Write a model whose matrix multiplies use weight-only quantized weights (ONNX Runtime's MatMulNBits), same inputs and outputs")
        {
            model, output, bits,
        };
        command.SetAction(parse => CommandErrors.Guard(() =>
        {
            var source = ModelDirectory.Open(parse.GetValue(model)!);
            var format = WeightFormats.Parse(parse.GetValue(bits)!);
            if (format == WeightFormat.Float) throw new ArgumentException("--bits is 8, 4 or int8-blocks.");
            if (source.Manifest.GraphStyle != "fused")
                throw new ArgumentException($"'{source.Path}' is in the {source.Manifest.GraphStyle} graph style: quantize a model in the fused style.");
            var (weights, already) = Gpt2OnnxReader.TryRead(source.ModelPath, source.Config)
                ?? throw new InvalidDataException($"'{source.ModelPath}' was not written by this project, so its weights cannot be read.");
            if (already != WeightFormat.Float) throw new ArgumentException($"'{source.Path}' is already quantized ({already.Name()}).");
            var options = new OnnxExportOptions
            {
                Weights = format,
                Logits = source.Manifest.Logits == "all_positions" ? LogitsScope.AllPositions : LogitsScope.LastPosition,
            };
            // The registry's name for it when it has one; never a machine's absolute path.
            string name = source.Manifest.Registry is { } r ? $"{r.Generator} {r.Version}" : Path.GetFileName(Path.GetFullPath(source.Path));
            string from = $"{name} (model.onnx sha256 {ModelDirectory.Sha256(source.ModelPath)})";
            var dir = ModelDirectory.Save(parse.GetValue(output)!, weights, options, (source.Manifest.Source ?? new ModelSource()) with { QuantizedFrom = from });
            ModelDirectory.CopyNames(source.Path, dir.Path);
            long before = new FileInfo(source.ModelPath).Length, after = new FileInfo(dir.ModelPath).Length;
            Console.WriteLine($"wrote {dir.ModelPath}: {format.Name()} weights, {after / 1048576.0:F1} MiB (was {before / 1048576.0:F1} MiB)");
            Console.WriteLine($"compare: tgg eval --model {dir.Path} --baseline {source.Path} --data <dev.txt>");
            return 0;
        }));
        return command;
    }
}
