using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
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
// Metrics in the Prometheus format at http://<TextGameGen:Metrics:Host>:<TextGameGen:Metrics:Port>/metrics (port 0: none;
// the host is localhost unless set to an address of this machine that the Prometheus server can reach).
if (builder.Configuration.GetValue("TextGameGen:Metrics:Port", 9464) is var metricsPort and > 0)
    builder.Services.AddTextGameGenMetrics(m => m.AddPrometheusHttpListener(o =>
    {
        o.Host = builder.Configuration.GetValue("TextGameGen:Metrics:Host", "localhost")!;
        o.Port = metricsPort;
    }));
builder.UseOrleans(silo => silo.UseTextGameGenCluster(cluster).AddTextGameGenGame());
await builder.Build().RunAsync();
