namespace TextGameGen.Pipeline.Commands;

/// <summary>Turns expected failures (bad options, missing files, bad data) into one clear line and exit code 2.</summary>
internal static class CommandErrors
{
    public const int Failure = 2;

    public static async Task<int> Guard(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return Failure;
        }
    }

    public static Task<int> Guard(Func<int> action) => Guard(() => Task.FromResult(action()));
}
