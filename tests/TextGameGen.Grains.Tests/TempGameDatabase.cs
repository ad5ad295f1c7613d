using Microsoft.Data.Sqlite;
using TextGameGen.Storage;

namespace TextGameGen.Grains.Tests;

/// <summary>A real SQLite game database in a temporary file, deleted with its log files when disposed.</summary>
internal sealed class TempGameDatabase : IAsyncDisposable
{
    public TempGameDatabase(string name, SqliteSynchronous synchronous = SqliteSynchronous.Full, long maxLogBytes = 64L << 20)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"tgg-{name}-{Guid.NewGuid():N}.db");
        Database = new SqliteGameDatabase(Path, synchronous: synchronous, maxLogBytes: maxLogBytes);
    }

    public string Path { get; }

    public SqliteGameDatabase Database { get; }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { Path, Path + "-wal", Path + "-shm" }) File.Delete(f);
    }
}
