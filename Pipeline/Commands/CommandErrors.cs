namespace TextGameGen.Pipeline.Commands;

/// <summary>
/// Every failure of a command is one line on standard error starting with <c>error:</c> and exit code 2: bad options,
/// missing or corrupt files, data that cannot be used. No stack trace reaches the user.
/// </summary>
internal static class CommandErrors
{
    public const int Failure = 2;

    public static async Task<int> Guard(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return Fail("cancelled.");
        }
        catch (Exception ex)
        {
            return Fail(ex.Message);
        }
    }

    public static Task<int> Guard(Func<int> action) => Guard(() => Task.FromResult(action()));

    /// <summary>Prints the one error line (a multi-line message, as ONNX Runtime gives, joined) and returns the failure code.</summary>
    public static int Fail(string message)
    {
        Console.Error.WriteLine("error: " + string.Join(" ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        return Failure;
    }
}
