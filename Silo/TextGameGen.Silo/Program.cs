using Microsoft.Extensions.Hosting;
using TextGameGen.Silo;

// A headless silo: localhost clustering, the configured generators behind the generation grain.
// The generators are registered first so they are loaded before the silo accepts calls.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddTextGameGenInference();
builder.UseOrleans(silo => silo.UseLocalhostClustering());
await builder.Build().RunAsync();
