using System.CommandLine;
using TextGameGen.Pipeline.Lifecycle;

namespace TextGameGen.Pipeline.Commands;

/// <summary><c>tgg pipeline run --config FILE</c>.</summary>
internal static class PipelineCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Required = true, Description = "pipeline configuration (JSON)" };
        var run = new Command("run", "Corpus, training, evaluation, registry and promotion, in order, with a summary") { config };
        run.SetAction((parse, cancellationToken) => CommandErrors.Guard(() =>
        {
            var runner = new PipelineRunner(PipelineConfig.Load(parse.GetValue(config)!), Console.WriteLine);
            runner.Run(cancellationToken);
            Console.WriteLine();
            Console.WriteLine("| stage | outcome | seconds |");
            Console.WriteLine("| --- | --- | ---: |");
            foreach (var s in runner.Stages) Console.WriteLine($"| {s.Stage} | {s.Outcome} | {s.Seconds:F1} |");
            return 0;
        }));
        return new Command("pipeline", "The whole lifecycle in one command") { run };
    }
}
