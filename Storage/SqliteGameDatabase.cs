using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace TextGameGen.Storage;

/// <summary>
/// The game's database in a SQLite file (the embedded default). Write-ahead logging, by default with synchronous=FULL:
/// the log is flushed to disk before a commit returns, so an acknowledged turn survives a power cut, not only a crash
/// of the process. With <see cref="SqliteSynchronous.Normal"/> a commit returns once the operating system has the log
/// (a crash of the process loses nothing; a power cut can lose the last moments) and the log is flushed and copied back
/// into the file beside the writes (<see cref="SqliteCheckpointer"/>). The process's writes share commits (group
/// commit), and each connection waits up to five seconds for a lock (another process writing the file).
/// </summary>
public sealed class SqliteGameDatabase : GameDatabase, IAsyncDisposable
{
    private const int SqliteConstraint = 19;
    private readonly string _connectionString;
    private readonly Lazy<bool> _schema;
    private readonly Lazy<SqliteGroupCommit> _writes;
    private readonly Lazy<SqliteCheckpointer> _checkpointer;
    private readonly string _pragmas;

    /// <summary>Opens (or, unless <paramref name="mustExist"/>, creates) the database file.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="mustExist">Refuse to create it.</param>
    /// <param name="synchronous">When a commit returns: flushed to disk (<see cref="SqliteSynchronous.Full"/>) or handed to the operating system.</param>
    /// <param name="maxLogBytes">With <see cref="SqliteSynchronous.Normal"/>, the write-ahead log's bound: past it, the writer copies the log back itself.</param>
    public SqliteGameDatabase(string path, bool mustExist = false, SqliteSynchronous synchronous = SqliteSynchronous.Full, long maxLogBytes = SqliteCheckpointer.DefaultMaxLogBytes)
    {
        Path = System.IO.Path.GetFullPath(path);
        if (mustExist && !File.Exists(Path)) throw new FileNotFoundException($"No game database at '{path}'.");
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 5 }.ToString();
        _schema = new Lazy<bool>(CreateSchema);
        _pragmas = synchronous == SqliteSynchronous.Full
            ? "PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;"
            : "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA wal_autocheckpoint=0;";
        _checkpointer = new Lazy<SqliteCheckpointer>(() => new SqliteCheckpointer(() => OpenAsync(), Path, maxLogBytes));
        _writes = new Lazy<SqliteGroupCommit>(() => new SqliteGroupCommit(() => OpenAsync(),
            synchronous == SqliteSynchronous.Normal ? () => _checkpointer.Value.LogTooLong : null));
    }

    public string Path { get; }

    public override string Describe => Path;

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        _ = _schema.Value;
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var pragma = Command(connection, _pragmas);
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>
    /// Every write of this process goes through one group commit (<see cref="SqliteGroupCommit"/>): SQLite takes one
    /// writer at a time, its client waits for the lock by blocking a thread, and each durable commit costs a flush;
    /// writes waiting together share one transaction and one flush instead. Every commit is durable
    /// (<paramref name="durable"/> only lets engines without group commit skip a flush).
    /// </summary>
    public override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, bool durable = true) => _writes.Value.WriteAsync(work);

    /// <summary>Passive checkpoints run beside the writes and log frames they copied (see <see cref="SqliteCheckpointer"/>).</summary>
    public (long Checkpoints, long FramesCopied) Checkpoints => _checkpointer.IsValueCreated ? _checkpointer.Value.Counts : (0, 0);

    /// <summary>Whether the last checkpoint found the whole log copied into the database file.</summary>
    public bool LogCopied => _checkpointer.IsValueCreated && _checkpointer.Value.LogCopied;

    /// <summary>Times the writer restarted an overgrown write-ahead log in line (the passive checkpoints did not keep up).</summary>
    public long LogRestarts => _writes.IsValueCreated ? _writes.Value.LogRestarts : 0;

    /// <summary>Commits made and writes they carried since this database was opened.</summary>
    public (long Commits, long Writes) GroupCommits => _writes.IsValueCreated ? _writes.Value.Counts : (0, 0);

    public async ValueTask DisposeAsync()
    {
        if (_writes.IsValueCreated) await _writes.Value.DisposeAsync().ConfigureAwait(false);
        if (_checkpointer.IsValueCreated) _checkpointer.Value.Dispose();
    }

    public override object JsonValue(byte[] utf8) => utf8;

    public override bool IsDuplicateKey(DbException exception) => exception is SqliteException { SqliteErrorCode: SqliteConstraint };

    private bool CreateSchema()
    {
        using var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var command = Command(connection, "PRAGMA journal_mode=WAL;\n" + string.Format(Schema, "INTEGER PRIMARY KEY AUTOINCREMENT"));
            command.ExecuteNonQuery();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 26) // SQLITE_NOTADB
        {
            throw new InvalidDataException($"'{Path}' is not a SQLite database.", ex);
        }
        // Databases from before ratings recorded their generator.
        using var columns = Command(connection, "SELECT COUNT(*) FROM pragma_table_info('feedback') WHERE name = 'generator'");
        if (Convert.ToInt64(columns.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            using var alter = Command(connection, "ALTER TABLE feedback ADD COLUMN generator TEXT");
            alter.ExecuteNonQuery();
        }
        return true;
    }
}
