using Microsoft.Data.Sqlite;

namespace TextGameGen.Silo.Persistence;

/// <summary>
/// The SQLite file that grain state and player feedback live in. Write-ahead logging with synchronous=NORMAL: a
/// committed write survives a crash of the process (what an acknowledgement promises); each connection waits up to
/// five seconds for a lock instead of failing.
/// </summary>
public sealed class SqliteDatabase
{
    private readonly string _connectionString;
    private readonly Lazy<bool> _schema;

    public SqliteDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 5 }.ToString();
        _schema = new Lazy<bool>(CreateSchema);
    }

    public string Path { get; }

    /// <summary>An open connection with the schema in place.</summary>
    public async Task<SqliteConnection> OpenAsync()
    {
        _ = _schema.Value;
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;";
        await pragma.ExecuteNonQueryAsync().ConfigureAwait(false);
        return connection;
    }

    private bool CreateSchema()
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS grain_state (
                grain_id   TEXT NOT NULL,
                state_name TEXT NOT NULL,
                data       TEXT NOT NULL,
                etag       INTEGER NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (grain_id, state_name));
            CREATE TABLE IF NOT EXISTS feedback (
                id            INTEGER PRIMARY KEY AUTOINCREMENT,
                at            TEXT NOT NULL,
                player_id     TEXT NOT NULL,
                turn_id       TEXT NOT NULL,
                rating        INTEGER NOT NULL,
                comment       TEXT NOT NULL,
                kind          TEXT NOT NULL,
                passage_tag   TEXT NOT NULL,
                text          TEXT NOT NULL,
                model_version TEXT,
                sampler       TEXT,
                seed          INTEGER);
            """;
        command.ExecuteNonQuery();
        return true;
    }
}
