using System.CommandLine;
using System.Text.Json;
using TextGameGen.Inference.Model;
using TextGameGen.Pipeline.Benchmarks;
using TextGameGen.Pipeline.Output;

namespace TextGameGen.Pipeline.Commands;

/// <summary><c>tgg bench train</c>: our training step time, beside llm.c's with --llmc-files.</summary>
internal static class BenchTrainCommand
{
    public static Command Create()
    {
        var shape = ModelOptions.BenchShape();
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 4 };
        var seq = new Option<int>("--seq") { DefaultValueFactory = _ => 64 };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 8, Description = "timed steps (the median is reported)" };
        var warmup = new Option<int>("--warmup") { DefaultValueFactory = _ => 2, Description = "untimed steps first" };
        var llmc = new Option<string?>("--llmc-files") { Description = "also write llm.c's model and token files at this shape into this folder, to time its train_gpt2 side by side" };
        var json = ModelOptions.Json();
        var command = new Command("train", "Time our trainer's steps (forward, backward, AdamW) at a shape, batch and sequence length") { shape, batch, seq, steps, warmup, llmc, json };
        command.SetAction(parse => CommandErrors.Guard(() =>
        {
            var shapeName = parse.GetValue(shape)!;
            if (parse.GetValue(llmc) is { } dir)
            {
                LlmcFiles.Write(dir, Gpt2Config.FromShapeName(shapeName), seed: 1);
                Console.WriteLine($"wrote llm.c's gpt2_124M.bin and token files for {shapeName} to {dir}");
            }
            var result = LongTask.Run("bench train", sink =>
            {
                var counter = new StepCounter(sink, parse.GetValue(steps) + parse.GetValue(warmup));
                return TrainStepBenchmark.Run(shapeName, parse.GetValue(batch), parse.GetValue(seq), parse.GetValue(steps), parse.GetValue(warmup), seed: 1, counter.Advance);
            });
            TableWriter.With("shape", "#parameters", "batch x seq", "#threads", "#median step", "#mean step", "#tokens/s", "#GFLOP/s")
                .Row(result.Shape, result.Parameters.ToString("N0"), $"{result.Batch} x {result.Sequence}", result.Threads, $"{result.MedianStepSeconds:F3} s",
                    $"{result.MeanStepSeconds:F3} s", result.TokensPerSecond.ToString("F1"), result.GflopsPerSecond.ToString("F1"))
                .Write();
            if (parse.GetValue(json) is { } file) File.WriteAllText(file, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }));
        return command;
    }
}
