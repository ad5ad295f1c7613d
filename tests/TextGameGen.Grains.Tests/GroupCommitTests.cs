using Orleans.Storage;
using TextGameGen.Storage;

namespace TextGameGen.Grains.Tests;

/// <summary>
/// The SQLite file's group commit: many grains' writes waiting together share one transaction and one flush, each
/// write is stored when its task completes, and a write that fails (a stale ETag) fails alone.
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

    [Fact]
    public async Task The_log_stays_bounded_while_writes_go_on_without_a_pause()
    {
        // A background checkpoint beside a writer that never pauses never copies the whole log, so the log never starts
        // over (tried and measured: 1.9 GB of log in a 30-minute soak); the commits checkpoint it themselves.
        await using var file = new TempGameDatabase("checkpoint");
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
}
