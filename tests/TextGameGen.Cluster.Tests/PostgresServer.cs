using System.Diagnostics;
using Npgsql;
using TextGameGen.WebFront.Hosting;

namespace TextGameGen.Cluster.Tests;

/// <summary>
/// A real PostgreSQL server (Debian's) in a temporary data folder on a free loopback port, with trust authentication,
/// stopped and deleted when disposed. PostgreSQL refuses to run as root, so as root the data folder belongs to the
/// <c>postgres</c> user and initdb and the server run as that user.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _data;
    private Process? _process;

    private PostgresServer(string bin, string data, int port)
    {
        _bin = bin;
        _data = data;
        Port = port;
    }

    public int Port { get; }
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=tgg;Timeout=5;Pooling=true";

    public static async Task<PostgresServer> StartAsync()
    {
        var bin = FindBin();
        var data = Directory.CreateTempSubdirectory("tgg-pg-").FullName;
        var server = new PostgresServer(bin, data, FreePort.Next());
        if (IsRoot) await RunAsync("chown", "-R", "postgres:postgres", data);
        await RunAsync(server.AsPostgres(Path.Combine(bin, "initdb")), [.. server.AsPostgresArgs(Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")]);
        await server.StartProcessAsync();
        await using (var admin = new NpgsqlConnection($"Host=127.0.0.1;Port={server.Port};Username=postgres;Database=postgres;Timeout=5"))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE DATABASE tgg", admin);
            await create.ExecuteNonQueryAsync();
        }
        return server;
    }

    /// <summary>Kills the server at once (as a crash or a cut cable: nothing flushed), so clients find it unreachable.</summary>
    public async Task KillAsync()
    {
        await ChildProcess.KillAsync(_process);
        _process = null;
    }

    /// <summary>Starts the server again on the same port and data.</summary>
    public Task RestartAsync() => StartProcessAsync();

    private async Task StartProcessAsync()
    {
        string postgres = Path.Combine(_bin, "postgres");
        var start = new ProcessStartInfo(AsPostgres(postgres)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in AsPostgresArgs(postgres, "-D", _data, "-p", Port.ToString(), "-k", _data, "-c", "listen_addresses=127.0.0.1",
                     // fsync off: a killed server's writes are still in the OS's cache, so nothing committed is lost (no test cuts
                     // the machine's power). synchronous_commit stays on: with it off a commit is acknowledged before its WAL
                     // leaves the server's memory, and killing the server lost acknowledged turns (the outage test caught it).
                     "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=300"))
            start.ArgumentList.Add(a);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Wait.UntilAsync(async () =>
        {
            try
            {
                await using var c = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=2;Pooling=false");
                await c.OpenAsync();
                return true;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "PostgreSQL to accept connections");
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private string AsPostgres(string program) => IsRoot ? "runuser" : program;

    private string[] AsPostgresArgs(string program, params string[] args) => IsRoot ? ["-u", "postgres", "--", program, .. args] : args;

    private static string FindBin()
    {
        var versions = Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [];
        var bin = versions.Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "postgres")))
            .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0).FirstOrDefault();
        return bin ?? throw new InvalidOperationException("PostgreSQL is not installed (./test.sh installs Debian's postgresql).");
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}{await stdout}");
    }
}
