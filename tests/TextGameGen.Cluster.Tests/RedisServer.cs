using System.Diagnostics;
using StackExchange.Redis;
using TextGameGen.WebFront.Hosting;

namespace TextGameGen.Cluster.Tests;

/// <summary>A real redis-server (Debian's) on a free loopback port, in memory only, stopped when disposed.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        int port = FreePort.Next();
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no" }) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not installed (./test.sh installs Debian's redis-server).", ex);
        }
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, port);
        await Wait.UntilAsync(async () =>
        {
            try
            {
                await using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",connectTimeout=500");
                await redis.GetDatabase().PingAsync();
                return true;
            }
            catch (RedisException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20), "redis-server to answer");
        return server;
    }

    /// <summary>Freezes the server (SIGSTOP): it holds its connections but answers nothing, as an unreachable one.</summary>
    public void Pause() => Signal("STOP");

    public void Resume() => Signal("CONT");

    private void Signal(string signal) => Process.Start("kill", [$"-{signal}", _process.Id.ToString()])!.WaitForExit();

    public async ValueTask DisposeAsync()
    {
        Resume();
        await ChildProcess.KillAsync(_process);
    }
}
