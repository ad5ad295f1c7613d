using System.Data.Common;

namespace TextGameGen.Storage;

/// <summary>
/// Flushes the write-ahead log and copies it back into the database file on a thread of its own, beside the writes
/// instead of inside one of them (with <see cref="SqliteSynchronous.Normal"/>). SQLite's own automatic checkpoint runs
/// inside the commit that fills the log past 1,000 pages: that commit copies about 4 MB into the database file and
/// flushes it while every write behind it waits (at a thousand players about twice a second, 10-40 ms each). Here the
/// process's connections turn that off (<c>wal_autocheckpoint=0</c>) and this loop runs a passive checkpoint every <see cref="Interval"/>:
/// it takes no writer lock, so commits go on while it copies, and small frequent copies keep up with the writes.
/// Once a checkpoint has copied every frame, the next write starts the log again from its beginning, so the log file
/// stays small; should it still grow past its bound (<see cref="DefaultMaxLogBytes"/>: a copy that cannot keep up), the
/// group commit's writer restarts it itself (<see cref="LogTooLong"/>), which makes writes wait once, as SQLite's own
/// checkpoint did. The checkpoint flushes the log before it copies, so a commit is on disk within about one interval.
/// </summary>
internal sealed class SqliteCheckpointer : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Past this size of the log file the writer checkpoints in line (restarting the log).</summary>
    public const long DefaultMaxLogBytes = 64L << 20;

    private readonly Func<Task<DbConnection>> _open;
    private readonly string _logPath;
    private readonly long _maxLogBytes;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private long _checkpoints;
    private long _framesCopied;

    public SqliteCheckpointer(Func<Task<DbConnection>> open, string databasePath, long maxLogBytes = DefaultMaxLogBytes)
    {
        _open = open;
        _maxLogBytes = maxLogBytes;
        _logPath = databasePath + "-wal";
        _thread = new Thread(Loop) { IsBackground = true, Name = "tgg-sqlite-checkpoint" };
        _thread.Start();
    }

    /// <summary>Passive checkpoints run and log frames they copied into the database file (tests and figures).</summary>
    public (long Checkpoints, long FramesCopied) Counts => (Interlocked.Read(ref _checkpoints), Interlocked.Read(ref _framesCopied));

    /// <summary>Whether the last checkpoint found every frame of the log copied into the database file.</summary>
    public bool LogCopied => _logCopied;

    private volatile bool _logCopied;

    /// <summary>True when the log file has grown past its bound.</summary>
    public bool LogTooLong
    {
        get
        {
            try
            {
                return new FileInfo(_logPath).Length > _maxLogBytes;
            }
            catch (IOException)
            {
                return false;
            }
        }
    }

    private void Loop()
    {
        DbConnection? connection = null;
        long copiedBefore = 0;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                connection ??= _open().GetAwaiter().GetResult();
                using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                using var reader = command.ExecuteReader();
                if (reader.Read())
                {
                    // (busy, frames in the log, frames copied so far): the count restarts when the log does.
                    long log = reader.GetInt64(1), copied = reader.GetInt64(2);
                    long fresh = copied >= copiedBefore ? copied - copiedBefore : copied;
                    copiedBefore = log == 0 ? 0 : copied;
                    _logCopied = copied >= log;
                    Interlocked.Increment(ref _checkpoints);
                    Interlocked.Add(ref _framesCopied, Math.Max(0, fresh));
                }
            }
            catch (Exception)
            {
                // The file is busy or gone for a moment: the next round tries again (the writer's in-line restart bounds the log).
                connection?.Dispose();
                connection = null;
            }
            _stop.Token.WaitHandle.WaitOne(Interval);
        }
        connection?.Dispose();
    }

    /// <summary>The in-line restart the group commit's writer runs on its own connection when <see cref="LogTooLong"/>.</summary>
    public static async Task RestartLogAsync(DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(RESTART)";
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }
}
