using TextGameGen.Pipeline.Commands;

return await TggCli.Build().Parse(args).InvokeAsync();
