using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TextGameGen.Silo.Hosting;
using TextGameGen.WebFront.Hosting;

namespace TextGameGen.Cluster.Tests;

/// <summary>
/// A storage client's exception thrown inside a grain call crosses to the caller as itself, with its message: a
/// silo configured as the game's serializes PostgreSQL's and Redis' exceptions (Orleans refuses unknown exception
/// types, and the caller saw only "Could not find a codec for type Npgsql.NpgsqlException").
/// </summary>
public sealed class StorageErrorSerializationTests
{
    [Fact]
    public void PostgresAndRedisExceptionsRoundTripThroughTheSilosSerializer()
    {
        var host = Host.CreateApplicationBuilder();
        host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TextGameGen:Storage:Database"] = Path.Combine(Path.GetTempPath(), $"tgg-codec-{Guid.NewGuid():N}.db"),
        });
        host.UseOrleans(silo => silo.UseLocalhostClustering(FreePort.Next(), FreePort.Next()).AddTextGameGenGame());
        using var app = host.Build(); // not started: only its serializer is used
        var serializer = app.Services.GetRequiredService<Orleans.Serialization.Serializer>();

        foreach (Exception error in new Exception[]
        {
            new Npgsql.NpgsqlException("the database server went away"),
            new StackExchange.Redis.RedisConnectionException(StackExchange.Redis.ConnectionFailureType.SocketFailure, "no connection to Redis"),
        })
        {
            var copy = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(error))!;
            Assert.Equal(error.Message, copy.Message);
        }
    }
}
