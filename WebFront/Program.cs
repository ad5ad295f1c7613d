using TextGameGen.WebFront.Hosting;

// The game: http://localhost:5000 by default. Embedded mode (a silo in this process) unless
// TextGameGen:Hosting:Mode=client. See the README for configuration.
var app = GameServer.Build(args);
await app.RunAsync();
