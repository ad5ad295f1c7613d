using System.Diagnostics;
using TextGameGen.WebFront.Hosting;

namespace TextGameGen.Cluster.Tests;

/// <summary>
/// A WebFront process (the program as built, run with dotnet): in client mode of a Redis cluster, or the embedded
/// default with its own SQLite file; a test can kill it outright and start it again on the same port.
/// </summary>
public sealed class FrontEndProcess : IAsyncDisposable
{
    public const string GmKey = "cluster-gm";
    private readonly string[] _arguments;
    private Process? _process;

    private FrontEndProcess(int port, string[] arguments)
    {
        Port = port;
        _arguments = arguments;
    }

    public int Port { get; }
    public Uri Address => new($"http://127.0.0.1:{Port}/");

    public static Task<FrontEndProcess> StartAsync(RedisServer redis, RedisGameCluster cluster) => StartWithAsync(
        "--TextGameGen:Hosting:Mode=Client",
        "--TextGameGen:Cluster:Provider=Redis", $"--TextGameGen:Cluster:ConnectionString={redis.ConnectionString}",
        $"--TextGameGen:Cluster:ClusterId={cluster.ClusterId}", $"--TextGameGen:Cluster:ServiceId={cluster.ServiceId}", "--TextGameGen:Cluster:Storage=Redis");

    /// <summary>
    /// The embedded default (silo and front end in one process) over the SQLite file <paramref name="database"/>, with
    /// the tiny test model and the test world; <paramref name="settings"/> are further <c>--Key=Value</c> arguments.
    /// </summary>
    public static Task<FrontEndProcess> StartEmbeddedAsync(string database, params string[] settings) => StartWithAsync(
        [
            $"--TextGameGen:Storage:Database={database}",
            $"--TextGameGen:Inference:Generators:default={TestModel.Directory}", $"--TextGameGen:Game:WorldsRoot={TestModel.Worlds}",
            .. settings,
        ]);

    /// <summary>The program on a free port, with the GM key, room for sign-ins, the test world by default, and <paramref name="settings"/>.</summary>
    private static async Task<FrontEndProcess> StartWithAsync(params string[] settings)
    {
        int port = FreePort.Next();
        var front = new FrontEndProcess(port,
        [
            Program(), "--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default=Warning",
            $"--TextGameGen:Hosting:GmKey={GmKey}", "--TextGameGen:Hosting:SignInsPerMinute=10000", "--TextGameGen:Game:DefaultWorld=keep",
            .. settings,
        ]);
        await front.StartProcessAsync();
        return front;
    }

    /// <summary>WebFront's own build output beside this test's (the same configuration).</summary>
    private static string Program()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        string framework = here.Name, configuration = here.Parent!.Name;
        for (var dir = here; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "WebFront", "bin", configuration, framework, "TextGameGen.WebFront.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"WebFront's build output (WebFront/bin/{configuration}/{framework}) was not found above {here.FullName}.");
    }

    private async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in _arguments) start.ArgumentList.Add(a);
        var output = new System.Text.StringBuilder();
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            await Wait.UntilAsync(async () =>
            {
                if (_process.HasExited) throw new InvalidOperationException($"The front end exited ({_process.ExitCode}): {output}");
                try
                {
                    return (await http.GetAsync(new Uri(Address, "/api/worlds"))).IsSuccessStatusCode;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), $"the front end on port {Port}");
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The front end on port {Port} did not answer: {output}");
        }
    }

    /// <summary>Kills the process at once (no graceful shutdown).</summary>
    public async Task KillAsync()
    {
        await ChildProcess.KillAsync(_process);
        _process = null;
    }

    public Task RestartAsync() => StartProcessAsync();

    public async ValueTask DisposeAsync() => await KillAsync();
}
