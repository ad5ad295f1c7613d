using System.Data.Common;

namespace TextGameGen.Storage;

/// <summary>
/// A SQL database that holds the game's grain state (<c>grain_state</c>), the older turns of players' stories (<c>turn_log</c>) and players' ratings (<c>feedback</c>): this
/// type owns their schema. One implementation per engine supplies connections, the schema in its dialect and how it
/// reports a duplicate key; the grain storage and the feedback store are written once against it.
/// </summary>
public abstract class GameDatabase
{
    /// <summary>Where the database is, for messages (a file path, a host and database name).</summary>
    public abstract string Describe { get; }

    /// <summary>An open connection, the schema in place.</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction and commits it; the task completes once the commit is
    /// stored. <paramref name="durable"/> false: the commit need not wait for its own flush to disk, because a durable
    /// commit follows at once on the same log (SQLite's write-ahead log and PostgreSQL's WAL are each one sequential
    /// file: flushing the later commit flushes the earlier one too). Engines may commit several writers' work together
    /// (SQLite does: <see cref="SqliteGroupCommit"/>); a write that throws fails alone.
    /// </summary>
    public virtual async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, bool durable = true)
    {
        await using var connection = await OpenAsync().ConfigureAwait(false);
        await using var transaction = durable
            ? await connection.BeginTransactionAsync().ConfigureAwait(false)
            : await BeginDeferredFlushAsync(connection).ConfigureAwait(false);
        var result = await work(connection, transaction).ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
        return result;
    }

    /// <summary>A transaction whose commit does not wait for its flush to disk (plain by default).</summary>
    protected virtual async Task<DbTransaction> BeginDeferredFlushAsync(DbConnection connection) =>
        await connection.BeginTransactionAsync().ConfigureAwait(false);

    /// <summary>
    /// The value to bind for a JSON column from its UTF-8 bytes; the SQL casts it (<c>CAST(@data AS TEXT)</c>), so the
    /// column holds text either way. By default a string; SQLite takes the bytes themselves (its text is UTF-8), so a
    /// write builds no string and encodes nothing again (a player's state is written a few hundred times a second).
    /// </summary>
    public virtual object JsonValue(byte[] utf8) => System.Text.Encoding.UTF8.GetString(utf8);

    /// <summary>Did this exception come from inserting a key that exists?</summary>
    public abstract bool IsDuplicateKey(DbException exception);

    /// <summary>A command on <paramref name="connection"/> with named parameters (<c>@name</c>).</summary>
    public static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
        return command;
    }

    /// <summary>A command in <paramref name="transaction"/> with named parameters (<c>@name</c>).</summary>
    public static DbCommand Command(DbTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = Command(transaction.Connection ?? throw new InvalidOperationException("The transaction is finished."), sql, parameters);
        command.Transaction = transaction;
        return command;
    }

    /// <summary>The tables, in SQL that SQLite and PostgreSQL both take.</summary>
    protected const string Schema = """
        CREATE TABLE IF NOT EXISTS grain_state (
            grain_id   TEXT NOT NULL,
            state_name TEXT NOT NULL,
            data       TEXT NOT NULL,
            etag       BIGINT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (grain_id, state_name));
        CREATE TABLE IF NOT EXISTS feedback (
            id            {0},
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
            seed          INTEGER,
            generator     TEXT);
        CREATE TABLE IF NOT EXISTS turn_log (
            player_id TEXT NOT NULL,
            seq       INTEGER NOT NULL,
            data      TEXT NOT NULL,
            PRIMARY KEY (player_id, seq));
        """;
}
