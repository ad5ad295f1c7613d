using System.Diagnostics;

namespace TextGameGen.LoadTest;

/// <summary>Runs the load test's fault (a shell command such as <c>tools/cluster.sh kill-silo 1</c>) and prints what it said.</summary>
public static class FaultCommand
{
    public static async Task RunAsync(string command, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start: {command}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        Console.WriteLine($"fault: {command} (exit {process.ExitCode}) {(await output).Trim()} {(await errors).Trim()}".TrimEnd());
    }
}
