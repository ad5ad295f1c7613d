using Microsoft.Extensions.Hosting;
using TextGameGen.Silo.Hosting;

// A headless silo: localhost clustering, the configured generators behind the generation grain, the game's grains
// with their state in SQLite. Run WebFront in client mode beside it (see the README).
// The generators are registered first so they are loaded before the silo accepts calls.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddTextGameGenInference();
builder.UseOrleans(silo => silo.UseLocalhostClustering().AddTextGameGenGame());
await builder.Build().RunAsync();
