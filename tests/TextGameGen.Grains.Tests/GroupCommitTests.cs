using Orleans.Storage;
using TextGameGen.Storage;

namespace TextGameGen.Grains.Tests;

/// <summary>
/// The SQLite file's group commit: many grains' writes waiting together share one transaction and one flush, each
/// write is stored when its task completes, and a write that fails (a stale ETag) fails alone. With synchronous=NORMAL
/// the log is copied back into the file beside the writes and stays bounded.
/// </summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private readonly TempGameDatabase _file = new("group");

    public sealed class Box
    {
        public string Text { get; set; } = "";
    }

    private sealed class Held(Box state) : IGrainState<Box>
    {
        [System.Diagnostics.CodeAnalysis.AllowNull] public Box State { get; set; } = state;
        public string? ETag { get; set; }
        public bool RecordExists { get; set; }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _file.DisposeAsync().AsTask();

    private static GrainId Id(int i) => GrainId.Create("player", $"p{i}");

    [Fact]
    public async Task Writes_waiting_together_share_commits_and_each_is_stored_when_its_task_completes()
    {
        var storage = new SqlGrainStorage(_file.Database);
        var states = Enumerable.Range(0, 300).Select(i => new Held(new Box { Text = $"turn of p{i}" })).ToArray();
        var writes = states.Select((s, i) => storage.WriteStateAsync("state", Id(i), s)).ToArray();
        await Task.WhenAll(writes);

        var (commits, written) = _file.Database.GroupCommits;
        Assert.Equal(300, written);
        Assert.True(commits < written, $"{commits} commits for {written} writes");
        for (int i = 0; i < states.Length; i++)
        {
            Assert.Equal("1", states[i].ETag);
            var read = new Held(new Box());
            await new SqlGrainStorage(new SqliteGameDatabase(_file.Path)).ReadStateAsync("state", Id(i), read); // another connection: committed, not cached
            Assert.Equal($"turn of p{i}", read.State.Text);
        }
    }

    [Fact]
    public async Task A_stale_write_in_a_shared_commit_fails_alone_and_the_others_are_stored()
    {
        var storage = new SqlGrainStorage(_file.Database);
        var first = new Held(new Box { Text = "first" });
        await storage.WriteStateAsync("state", Id(0), first);
        var stale = new Held(new Box { Text = "stale" }) { ETag = "7", RecordExists = true };

        var others = Enumerable.Range(1, 100).Select(i => storage.WriteStateAsync("state", Id(i), new Held(new Box { Text = $"p{i}" }))).ToList();
        var staleWrite = storage.WriteStateAsync("state", Id(0), stale);
        others.AddRange(Enumerable.Range(101, 100).Select(i => storage.WriteStateAsync("state", Id(i), new Held(new Box { Text = $"p{i}" }))));

        await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite);
        await Task.WhenAll(others);
        var read = new Held(new Box());
        await storage.ReadStateAsync("state", Id(0), read);
        Assert.Equal("first", read.State.Text); // the stale write left nothing
        Assert.Equal("1", read.ETag);
        for (int i = 1; i <= 200; i++)
        {
            await storage.ReadStateAsync("state", Id(i), read);
            Assert.Equal($"p{i}", read.State.Text);
        }
    }

    [Theory]
    [InlineData(SqliteSynchronous.Full)]
    [InlineData(SqliteSynchronous.Normal)]
    public async Task The_log_stays_bounded_while_writes_go_on_without_a_pause(SqliteSynchronous synchronous)
    {
        // Full: SQLite's own checkpoints inside the commits. Normal: checkpoints beside the writes, which a writer that
        // never pauses may leave no moment when every frame is copied (an earlier build's once-a-second checkpoint let the
        // log grow to 1.9 GB in a 30-minute soak), so past its bound the writer restarts the log itself.
        await using var file = new TempGameDatabase("checkpoint", synchronous, maxLogBytes: 4 << 20);
        var storage = new SqlGrainStorage(file.Database);
        var text = new string('x', 8000);
        const int rounds = 40, grains = 50; // 2,000 writes of about 8 KB: 16 MB through the log
        var states = Enumerable.Range(0, grains).Select(i => new Held(new Box())).ToArray();
        long largest = 0;
        using var writing = new CancellationTokenSource();
        var sampling = Task.Run(async () =>
        {
            while (!writing.IsCancellationRequested)
            {
                var wal = new FileInfo(file.Path + "-wal");
                if (wal.Exists) largest = Math.Max(largest, wal.Length);
                await Task.Delay(5);
            }
        });
        var writers = Enumerable.Range(0, grains).Select(i => Task.Run(async () =>
        {
            for (int round = 0; round < rounds; round++)
            {
                states[i].State.Text = $"{round} {text}";
                await storage.WriteStateAsync("state", Id(i), states[i]);
            }
        }));
        await Task.WhenAll(writers);
        await writing.CancelAsync();
        await sampling;

        Assert.True(largest < 8 << 20, $"the log grew to {largest >> 20} MiB for 16 MiB written");
        var read = new Held(new Box());
        await new SqlGrainStorage(new SqliteGameDatabase(file.Path)).ReadStateAsync("state", Id(7), read);
        Assert.StartsWith($"{rounds - 1} ", read.State.Text);
    }

    [Fact]
    public async Task The_log_is_copied_back_beside_the_writes_and_the_file_keeps_every_write()
    {
        await using var file = new TempGameDatabase("beside", SqliteSynchronous.Normal);
        var storage = new SqlGrainStorage(file.Database);
        var states = Enumerable.Range(0, 20).Select(i => new Held(new Box())).ToArray();
        for (int round = 0; round < 30; round++)
        {
            for (int i = 0; i < states.Length; i++) states[i].State.Text = $"{round} of p{i} " + new string('y', 3000);
            await Task.WhenAll(states.Select((s, i) => storage.WriteStateAsync("state", Id(i), s)));
            await Task.Delay(10); // players think between turns
        }
        // Two checkpoints after the last write (the first may have begun before it), the last finding every frame copied.
        long after = file.Database.Checkpoints.Checkpoints + 2;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!(file.Database.Checkpoints.Checkpoints >= after && file.Database.LogCopied) && DateTime.UtcNow < deadline) await Task.Delay(20);

        Assert.True(file.Database.Checkpoints.FramesCopied > 0, "no checkpoint copied the log back");
        Assert.Equal(0, file.Database.LogRestarts); // well under the bound: the writer never had to copy it itself
        // Read straight from the database file, the log set aside: the checkpoints copied the writes into it.
        File.Copy(file.Path, file.Path + ".copy");
        try
        {
            await using var copy = new SqliteGameDatabase(file.Path + ".copy");
            for (int i = 0; i < states.Length; i++)
            {
                var read = new Held(new Box());
                await new SqlGrainStorage(copy).ReadStateAsync("state", Id(i), read);
                Assert.StartsWith($"29 of p{i} ", read.State.Text);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { "", "-wal", "-shm" }) File.Delete(file.Path + ".copy" + f);
        }
    }

    [Fact]
    public async Task A_log_past_its_bound_is_restarted_by_the_writer_and_nothing_is_lost()
    {
        await using var file = new TempGameDatabase("bound", SqliteSynchronous.Normal, maxLogBytes: 1); // every commit finds the log past its bound
        var storage = new SqlGrainStorage(file.Database);
        var states = Enumerable.Range(0, 50).Select(i => new Held(new Box { Text = $"p{i} " + new string('z', 2000) })).ToArray();
        await Task.WhenAll(states.Select((s, i) => storage.WriteStateAsync("state", Id(i), s)));
        foreach (var s in states) s.State.Text = "again " + s.State.Text;
        await Task.WhenAll(states.Select((s, i) => storage.WriteStateAsync("state", Id(i), s)));

        Assert.True(file.Database.LogRestarts > 0);
        Assert.True(new FileInfo(file.Path + "-wal").Length < 1 << 20, "the log was not restarted");
        for (int i = 0; i < states.Length; i++)
        {
            var read = new Held(new Box());
            await new SqlGrainStorage(new SqliteGameDatabase(file.Path)).ReadStateAsync("state", Id(i), read);
            Assert.StartsWith($"again p{i} ", read.State.Text);
        }
    }
}
