using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;

namespace TextGameGen.Storage;

/// <summary>
/// Group commit for a SQLite file: SQLite takes one writer at a time and a durable commit costs a flush to disk, so
/// one commit per write caps the whole process at a few hundred writes a second however many grains wait. Here every
/// write of the process joins one line; a single writer takes all that are waiting (up to <see cref="MaxBatch"/>),
/// runs each inside its own savepoint in one transaction, and commits them with one flush. A write whose work throws
/// (a stale ETag, a duplicate key) is rolled back to its savepoint and fails alone; a failed commit fails the whole
/// batch. No write's task completes before its commit is on disk, so an acknowledgement still means stored.
/// </summary>
internal sealed class SqliteGroupCommit : IAsyncDisposable
{
    /// <summary>At most this many writes share one commit (bounds the time a transaction holds the file).</summary>
    public const int MaxBatch = 256;

    private readonly Func<Task<DbConnection>> _open;
    private readonly Func<bool> _logTooLong;
    private readonly Channel<PendingWrite> _line = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    /// <param name="open">Opens a connection to the file.</param>
    /// <param name="logTooLong">Whether the write-ahead log has outgrown its bound: then the writer restarts it after a commit (see <see cref="SqliteCheckpointer"/>).</param>
    public SqliteGroupCommit(Func<Task<DbConnection>> open, Func<bool>? logTooLong = null)
    {
        _open = open;
        _logTooLong = logTooLong ?? (() => false);
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Commits made and writes they carried, since start (for tests and figures).</summary>
    public (long Commits, long Writes) Counts => (Interlocked.Read(ref _commits), Interlocked.Read(ref _writes));

    private long _commits;
    private long _writes;
    private long _logRestarts;

    /// <summary>Times the writer restarted an overgrown write-ahead log itself.</summary>
    public long LogRestarts => Interlocked.Read(ref _logRestarts);

    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work)
    {
        var write = new PendingWrite<T>(work);
        if (!_line.Writer.TryWrite(write)) throw new ObjectDisposedException(nameof(SqliteGroupCommit), "The game database is closed.");
        return write.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (await _line.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _line.Reader.TryRead(out var write)) batch.Add(write);
            await CommitAsync(batch).ConfigureAwait(false);
        }
    }

    private async Task CommitAsync(List<PendingWrite> batch)
    {
        var ran = new List<PendingWrite>(batch.Count);
        try
        {
            await using var connection = await _open().ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            foreach (var write in batch)
            {
                await transaction.SaveAsync("write").ConfigureAwait(false);
                try
                {
                    await write.RunAsync(connection, transaction).ConfigureAwait(false);
                    ran.Add(write);
                }
                catch (Exception ex)
                {
                    await transaction.RollbackAsync("write").ConfigureAwait(false);
                    write.Fail(ex);
                }
                await transaction.ReleaseAsync("write").ConfigureAwait(false);
            }
            await transaction.CommitAsync().ConfigureAwait(false);
            if (_logTooLong())
            {
                await SqliteCheckpointer.RestartLogAsync(connection).ConfigureAwait(false);
                Interlocked.Increment(ref _logRestarts);
            }
        }
        catch (Exception ex)
        {
            foreach (var write in batch) write.Fail(ex); // those that failed alone keep their own exception
            return;
        }
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _writes, ran.Count);
        StorageMetrics.CommitWrites.Record(batch.Count);
        foreach (var write in ran)
        {
            StorageMetrics.WriteDuration.Record(Stopwatch.GetElapsedTime(write.QueuedAt).TotalMilliseconds);
            write.Complete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _line.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private abstract class PendingWrite
    {
        public long QueuedAt { get; } = Stopwatch.GetTimestamp();

        public abstract Task RunAsync(DbConnection connection, DbTransaction transaction);

        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class PendingWrite<T>(Func<DbConnection, DbTransaction, Task<T>> work) : PendingWrite
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _done.Task;

        public override async Task RunAsync(DbConnection connection, DbTransaction transaction) =>
            _result = await work(connection, transaction).ConfigureAwait(false);

        public override void Complete() => _done.TrySetResult(_result);

        public override void Fail(Exception exception) => _done.TrySetException(exception);
    }
}
