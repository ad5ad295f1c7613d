using System.Data.Common;
using Npgsql;

namespace TextGameGen.Storage;

/// <summary>
/// The game's database on a PostgreSQL server (several silos, several machines). The schema is created once, under an
/// advisory lock so that silos starting together do not race; a duplicate key is SQLSTATE 23505.
/// </summary>
public sealed class PostgresGameDatabase : GameDatabase, IAsyncDisposable
{
    private const long SchemaLock = 0x7467_6753;
    private readonly NpgsqlDataSource _source;
    private readonly Lazy<Task> _schema;

    public PostgresGameDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Describe = $"PostgreSQL database '{builder.Database}' on {builder.Host}:{builder.Port}";
        _source = NpgsqlDataSource.Create(builder);
        _schema = new Lazy<Task>(CreateSchemaAsync);
    }

    public override string Describe { get; }

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        await _schema.Value.ConfigureAwait(false);
        return await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<DbTransaction> BeginDeferredFlushAsync(DbConnection connection)
    {
        var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using var set = Command(connection, "SET LOCAL synchronous_commit TO OFF");
        set.Transaction = transaction;
        await set.ExecuteNonQueryAsync().ConfigureAwait(false);
        return transaction;
    }

    public override bool IsDuplicateKey(DbException exception) => exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    private async Task CreateSchemaAsync()
    {
        await using var connection = await _source.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using (var lockCommand = Command(connection, "SELECT pg_advisory_xact_lock(@key)", ("@key", SchemaLock)))
            await lockCommand.ExecuteNonQueryAsync().ConfigureAwait(false);
        await using (var create = Command(connection, string.Format(Schema, "BIGSERIAL PRIMARY KEY")))
            await create.ExecuteNonQueryAsync().ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
