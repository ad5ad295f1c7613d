using TextGameGen.Pipeline.Commands;

return await TggCli.RunAsync(args);
