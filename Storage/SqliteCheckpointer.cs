using System.Data.Common;
using System.Diagnostics;

namespace TextGameGen.Storage;

/// <summary>
/// Copies the write-ahead log of a SQLite file back into the database in the background, every
/// <see cref="SqliteGameDatabase.CheckpointInterval"/>. SQLite's own automatic checkpoint runs inside the commit that
/// crosses its threshold (1,000 pages), so every few seconds one group commit, and every acknowledgement waiting on it,
/// would also wait for the log to be copied and the database file flushed; the group commit's connection turns that off
/// and this loop does the work beside it instead (a passive checkpoint: it never blocks the writer, and the log starts
/// over once it has all been copied).
/// </summary>
internal sealed class SqliteCheckpointer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _checkpoints;

    public SqliteCheckpointer(Func<Task<DbConnection>> open, TimeSpan interval) => _loop = Task.Run(() => RunAsync(open, interval));

    /// <summary>Checkpoints run since start (tests).</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    private async Task RunAsync(Func<Task<DbConnection>> open, TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    long started = Stopwatch.GetTimestamp();
                    await using var connection = await open().ConfigureAwait(false);
                    await using var checkpoint = GameDatabase.Command(connection, "PRAGMA wal_checkpoint(PASSIVE)");
                    await checkpoint.ExecuteNonQueryAsync(_stop.Token).ConfigureAwait(false);
                    StorageMetrics.CheckpointDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    Interlocked.Increment(ref _checkpoints);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The next tick tries again (the log keeps growing meanwhile, nothing is lost).
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
