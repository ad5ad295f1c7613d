using System.CommandLine;
using TextGameGen.Pipeline.Lifecycle;
using TextGameGen.Pipeline.Output;

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
            var table = TableWriter.With("stage", "outcome", "#seconds");
            foreach (var s in runner.Stages) table.Row(s.Stage, s.Outcome, s.Seconds.ToString("F1"));
            table.Write();
            var used = runner.Config;
            Console.WriteLine();
            Console.WriteLine($"model: {Path.Combine(used.RegistryRoot, used.Generator, runner.Version)} ({used.Generator} {runner.Version}, {(runner.Promoted ? "production" : "not promoted")}); corpus and run: {used.WorkDir}");
            return 0;
        }));
        return new Command("pipeline", "The whole lifecycle in one command") { run };
    }
}
