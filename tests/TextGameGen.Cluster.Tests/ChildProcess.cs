using System.Diagnostics;

namespace TextGameGen.Cluster.Tests;

/// <summary>What the fixtures that run a server process (Redis, PostgreSQL, a front end) do to crash it.</summary>
public static class ChildProcess
{
    /// <summary>Kills the process and its children at once (no graceful shutdown, nothing flushed) and waits until it is gone.</summary>
    public static async Task KillAsync(Process? process)
    {
        if (process is null) return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }
}
