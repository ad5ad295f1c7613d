using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace TextGameGen.Storage;

/// <summary>
/// The game's database in a SQLite file (the embedded default). Write-ahead logging with synchronous=FULL: the log is
/// flushed to disk before a commit returns, so an acknowledged turn survives a power cut, not only a crash of the
/// process (NORMAL would risk the last commits on power loss); each connection waits up to five seconds for a lock.
/// </summary>
public sealed class SqliteGameDatabase : GameDatabase
{
    private const int SqliteConstraint = 19;
    private readonly string _connectionString;
    private readonly Lazy<bool> _schema;

    /// <summary>Opens (or, unless <paramref name="mustExist"/>, creates) the database file.</summary>
    public SqliteGameDatabase(string path, bool mustExist = false)
    {
        Path = System.IO.Path.GetFullPath(path);
        if (mustExist && !File.Exists(Path)) throw new FileNotFoundException($"No game database at '{path}'.");
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 5 }.ToString();
        _schema = new Lazy<bool>(CreateSchema);
    }

    public string Path { get; }

    public override string Describe => Path;

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        _ = _schema.Value;
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var pragma = Command(connection, "PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;");
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>synchronous=NORMAL on this connection (set outside the transaction; the next open sets FULL again).</summary>
    public override async Task<DbTransaction> BeginDeferredFlushAsync(DbConnection connection)
    {
        await using (var pragma = Command(connection, "PRAGMA synchronous=NORMAL")) await pragma.ExecuteNonQueryAsync().ConfigureAwait(false);
        return await connection.BeginTransactionAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// SQLite takes one writer at a time, and its client waits for the lock by blocking its thread (up to the busy
    /// timeout): under load hundreds of grains' writes held every thread of the pool. Writers of this process queue
    /// here instead, asynchronously, one at a time.
    /// </summary>
    public override async ValueTask<IDisposable?> EnterWriteAsync()
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        return new Releaser(_writeGate);
    }

    private readonly SemaphoreSlim _writeGate = new(1, 1);

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }

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
