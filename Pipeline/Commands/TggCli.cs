using System.CommandLine;
using System.CommandLine.Parsing;

namespace TextGameGen.Pipeline.Commands;

/// <summary>The <c>tgg</c> command tree and its entry point.</summary>
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
        WorldCommands.Create(),
    };

    /// <summary>Parses and runs a command line; wrong options are one error line and exit code 2, as every other failure.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count == 0) return await parse.InvokeAsync().ConfigureAwait(false);
        var path = new List<string>();
        for (SymbolResult? r = parse.CommandResult; r is CommandResult c; r = c.Parent) path.Insert(0, c.Command.Name);
        path[0] = "tgg";
        return CommandErrors.Fail($"{string.Join(" ", parse.Errors.Select(e => e.Message))} ({string.Join(' ', path)} --help lists the options)");
    }
}
