using System.CommandLine;

namespace TextGameGen.Pipeline.Commands;

/// <summary>The <c>tgg</c> command tree.</summary>
public static class TggCli
{
    public static RootCommand Build() => new("TextGameGen pipeline: build, run and measure story models.")
    {
        ModelCommands.Create(),
        CorpusCommands.Create(),
        TrainCommand.Create(),
        GenerateCommand.Create(),
        EvalCommand.Create(),
        RegistryCommands.Create(),
        PipelineCommand.Create(),
        BenchCommands.Create(),
        FeedbackCommands.Create(),
    };
}
