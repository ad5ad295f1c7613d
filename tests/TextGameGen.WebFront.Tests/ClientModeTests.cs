using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TextGameGen.Grains.Game;
using TextGameGen.Silo.Hosting;
using TextGameGen.WebFront.Hosting;

namespace TextGameGen.WebFront.Tests;

/// <summary>The silo and the front end as separate hosts: the front end in client mode finds the silo's gateway.</summary>
public sealed class ClientModeTests
{
    [Fact]
    public async Task A_front_end_in_client_mode_plays_against_a_silo_hosted_apart()
    {
        int siloPort = FreePort.Next(), gatewayPort = FreePort.Next();
        var db = Path.Combine(Path.GetTempPath(), "tgg-tests", $"client-mode-{Guid.NewGuid():N}.db");
        var worlds = TestWorlds.Folder(("default", "default"));

        // The silo, as `dotnet run --project Silo` builds it.
        var siloBuilder = Host.CreateApplicationBuilder();
        siloBuilder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TextGameGen:Inference:Generators:default"] = TestModels.TinyRandom,
            ["TextGameGen:Storage:Database"] = db,
            ["TextGameGen:Game:WorldsRoot"] = worlds,
            ["TextGameGen:Game:DefaultWorld"] = "default",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        siloBuilder.Services.AddTextGameGenInference();
        siloBuilder.UseOrleans(silo => silo.UseTextGameGenCluster(new ClusterSettings { SiloPort = siloPort, GatewayPort = gatewayPort }).AddTextGameGenGame());
        using var siloHost = siloBuilder.Build();
        await siloHost.StartAsync();

        var front = GameServer.Build([
            "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning",
            "--TextGameGen:Hosting:Mode=client", $"--TextGameGen:Cluster:GatewayPort={gatewayPort}",
            $"--TextGameGen:Hosting:GmKey={GameServerFixture.GmKeyValue}", "--TextGameGen:Game:DefaultWorld=default",
        ]);
        await front.StartAsync();
        try
        {
            var address = new Uri(front.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            await using var player = await TestPlayer.ConnectAsync(address, "Remote");
            var view = await player.JoinAsync();
            Assert.Equal("square", view.Room!.Id);
            Assert.True((await player.ActAsync("c-1", "do open the gate")).Accepted);
            var turn = await player.PassageAsync("c-1");
            Assert.Equal(PassageStatus.Complete, turn.Status);
        }
        finally
        {
            await front.StopAsync();
            await front.DisposeAsync();
            await siloHost.StopAsync();
        }
    }
}
