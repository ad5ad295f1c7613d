using Microsoft.Extensions.Hosting;
using TextGameGen.Silo.Generation;
using TextGameGen.Silo.Hosting;

// A headless silo: the configured cluster (localhost by default; Redis for several machines, TextGameGen:Cluster), the
// configured generators behind the generation grain (none with TextGameGen:Inference:Enabled=false: a game-only silo),
// the game's grains with their state in the configured store. Run WebFront in client mode beside it (see the README).
// The generators are registered first so they are loaded before the silo accepts calls.
var builder = Host.CreateApplicationBuilder(args);
var cluster = ValidatedOptions.Read<ClusterSettings>(builder.Configuration, ClusterSettings.Section);
ClusterPreflight.Check(cluster, storage: true);
if (ValidatedOptions.Read<InferenceOptions>(builder.Configuration, InferenceOptions.Section).Enabled) builder.Services.AddTextGameGenInference();
builder.UseOrleans(silo => silo.UseTextGameGenCluster(cluster).AddTextGameGenGame());
await builder.Build().RunAsync();
