using Microsoft.AspNetCore.SignalR;

namespace TextGameGen.WebFront.Hubs;

/// <summary>
/// Turns what the game refuses (bad arguments) into a <see cref="HubException"/> the browser can show, and anything
/// unexpected into a short message (the details go to the log, not the browser).
/// </summary>
public sealed partial class ErrorFilter(ILogger<ErrorFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(context);
        }
        catch (HubException)
        {
            throw;
        }
        catch (ArgumentException ex)
        {
            throw new HubException(ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, context.HubMethodName, context.Context.UserIdentifier ?? "-", ex);
            throw new HubException($"'{context.HubMethodName}' failed on the server; nothing acknowledged was lost. Try again.");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub method {Method} failed for {Player}")]
    private static partial void LogFailed(ILogger logger, string method, string player, Exception ex);
}
