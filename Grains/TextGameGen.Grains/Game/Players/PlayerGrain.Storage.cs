using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace TextGameGen.Grains.Game.Players;

/// <summary>
/// Storing the player: a write at a time (the acknowledgement waits for it), older settled turns moved to the turn log
/// after it, and changes that can wait (a "busy" answer) carried by the next write or written by a timer.
/// </summary>
public sealed partial class PlayerGrain
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private bool _unsaved;
    private IGrainTimer? _deferredWrite;

    public async Task SaveAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            _archive.DropLogged(S);
            _unsaved = false; // what this write serializes includes every change so far
            await state.WriteStateAsync();
        }
        catch
        {
            _unsaved = true;
            throw;
        }
        finally
        {
            _writeLock.Release();
        }
        // After the state, off the acknowledgement's path: older settled turns go to the log, and leave the state at its next write.
        _archive.StartMove(S, ex => LogArchiveFailed(logger, PlayerId, ex.Message));
    }

    public void SaveSoon()
    {
        _unsaved = true;
        _deferredWrite ??= this.RegisterGrainTimer(_ => WriteDeferredAsync(retryLater: true), new GrainTimerCreationOptions(Options.BusyAnswerWriteDelay, Timeout.InfiniteTimeSpan));
    }

    /// <summary>Stores what <see cref="SaveSoon"/> left unwritten, unless a write since has carried it.</summary>
    private async Task WriteDeferredAsync(bool retryLater)
    {
        _deferredWrite?.Dispose();
        _deferredWrite = null;
        if (!_unsaved) return;
        try
        {
            await SaveAsync();
        }
        catch (InconsistentStateException ex)
        {
            LogDeferredWriteFailed(logger, PlayerId, ex.Message); // written elsewhere meanwhile: read again
            Reload();
        }
        catch (Exception ex)
        {
            LogDeferredWriteFailed(logger, PlayerId, ex.Message);
            if (retryLater) SaveSoon();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Player {Player}: a busy answer not stored yet: {Message}")]
    private static partial void LogDeferredWriteFailed(ILogger logger, string player, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Player {Player}: older turns not moved to the turn log yet (they stay in the state): {Message}")]
    private static partial void LogArchiveFailed(ILogger logger, string player, string message);
}
