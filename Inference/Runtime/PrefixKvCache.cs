namespace TextGameGen.Inference.Runtime;

/// <summary>
/// Keys and values of prompts prefilled recently, kept so that a new prompt that opens the same way copies them into
/// its slot instead of computing them again. In the game every context opens with the world's memory, then the
/// room's lines: players of one world (and more so of one room) share that opening, and a model computes a
/// position's keys and values from that position and those before it only, so the copy is what a prefill would
/// have written. Bounded in bytes, least recently used out first. Not thread-safe: the decode loop is its only user,
/// and an entry's keys and values are read (copied into a slot) before the next <see cref="Add"/> can drop it.
/// </summary>
/// <remarks>
/// Entries are kept in native memory, freed when dropped: each is usually a few hundred kilobytes, and in a busy game
/// they come and go many times a second. As arrays rented from the shared pool they were the server's only large
/// objects (34 MB a minute in a 1,000-player soak), and the pool kept more of them alive than the cache held
/// (docs/benchmarks.md, "Kept openings off the managed heap").
/// </remarks>
public sealed class PrefixKvCache : IDisposable
{
    private readonly List<Entry> _entries = [];
    private long _clock;

    /// <param name="maxBytes">Keys and values held at most, in bytes.</param>
    /// <param name="minTokens">Shorter shared openings are computed again (a copy of a few positions saves little).</param>
    public PrefixKvCache(long maxBytes, int minTokens = 16)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minTokens);
        MaxBytes = maxBytes;
        MinTokens = minTokens;
    }

    public long MaxBytes { get; }

    public int MinTokens { get; }

    /// <summary>Bytes held now.</summary>
    public long Bytes { get; private set; }

    public int Count => _entries.Count;

    /// <summary>Prompts looked up, and those that found a shared opening of at least <see cref="MinTokens"/>.</summary>
    public long Lookups { get; private set; }

    public long Hits { get; private set; }

    /// <summary>Prompt positions copied from the cache, and prompt positions computed (hits' rest and misses).</summary>
    public long ReusedTokens { get; private set; }

    public long ComputedTokens { get; private set; }

    /// <summary>Share of prompt positions copied rather than computed.</summary>
    public double ReusedShare => ReusedTokens + ComputedTokens == 0 ? 0 : (double)ReusedTokens / (ReusedTokens + ComputedTokens);

    /// <summary>
    /// The entry sharing the longest opening with <paramref name="prompt"/>, and that opening's length, capped at
    /// <paramref name="maxLength"/>; null when no entry shares <see cref="MinTokens"/> or more.
    /// </summary>
    public Match? Find(IReadOnlyList<int> prompt, int maxLength)
    {
        Entry? best = null;
        int bestLength = 0;
        foreach (var entry in _entries)
        {
            int length = CommonLength(entry.Tokens, prompt, maxLength);
            if (length > bestLength) (best, bestLength) = (entry, length);
        }
        return best is null || bestLength < MinTokens ? null : new Match(best, bestLength);
    }

    /// <summary>Counts a prompt's lookup and what it reused (what the figures above report).</summary>
    public void Record(int promptTokens, int reused)
    {
        Lookups++;
        if (reused > 0) Hits++;
        ReusedTokens += reused;
        ComputedTokens += promptTokens - reused;
    }

    /// <summary>Marks an entry as just used.</summary>
    public void Touch(Entry entry) => entry.LastUse = ++_clock;

    /// <summary>
    /// Would keeping <paramref name="prompt"/> add anything: no entry already holds all but <see cref="MinTokens"/> of it?
    /// </summary>
    public bool Adds(IReadOnlyList<int> prompt) =>
        prompt.Count >= MinTokens && (Find(prompt, prompt.Count)?.Length ?? 0) <= prompt.Count - MinTokens;

    /// <summary>
    /// Keeps a prompt's keys and values, written by <paramref name="write"/> into <paramref name="floats"/> floats,
    /// dropping the least recently used entries past the byte bound. An entry larger than the bound is not kept.
    /// </summary>
    public void Add(IReadOnlyList<int> prompt, int floats, WriteKeysValues write)
    {
        long bytes = (long)floats * sizeof(float);
        if (bytes > MaxBytes) return;
        while (Bytes + bytes > MaxBytes && _entries.Count > 0)
        {
            var oldest = _entries.MinBy(e => e.LastUse)!;
            Remove(oldest);
        }
        var data = new NativeFloats(floats);
        try
        {
            write(data.GetSpan());
        }
        catch
        {
            ((IDisposable)data).Dispose();
            throw;
        }
        _entries.Add(new Entry([.. prompt], data, bytes) { LastUse = ++_clock });
        Bytes += bytes;
    }

    public void Clear()
    {
        foreach (var entry in _entries.ToList()) Remove(entry);
    }

    /// <summary>Frees every entry's memory (a cache no longer referenced frees it when finalized).</summary>
    public void Dispose()
    {
        Clear();
        GC.SuppressFinalize(this);
    }

    // Unreachable, so nothing reads an entry's memory any more: the entries hold no finalizer of their own.
    ~PrefixKvCache()
    {
        foreach (var entry in _entries) entry.Free();
    }

    private void Remove(Entry entry)
    {
        _entries.Remove(entry);
        Bytes -= entry.Bytes;
        entry.Free();
    }

    private static int CommonLength(int[] a, IReadOnlyList<int> b, int max)
    {
        int n = Math.Min(Math.Min(a.Length, b.Count), max), i = 0;
        while (i < n && a[i] == b[i]) i++;
        return i;
    }

    /// <summary>Writes a prompt's keys and values into the floats given (in the layout <see cref="SlotKvSession.ReadPrefix"/> writes).</summary>
    public delegate void WriteKeysValues(Span<float> into);

    /// <summary>
    /// A kept prompt: its tokens and its keys and values in the layout <see cref="SlotKvSession.ReadPrefix"/> writes
    /// (valid until the entry is dropped: read them before the next <see cref="Add"/>).
    /// </summary>
    public sealed class Entry
    {
        private readonly NativeFloats _data;

        internal Entry(int[] tokens, NativeFloats data, long bytes)
        {
            Tokens = tokens;
            _data = data;
            Bytes = bytes;
        }

        public int[] Tokens { get; }
        public ReadOnlyMemory<float> Data => _data.Memory;
        public long Bytes { get; }
        internal long LastUse { get; set; }

        internal void Free() => ((IDisposable)_data).Dispose();
    }

    /// <summary>An entry and how many of its first positions a prompt shares.</summary>
    public sealed record Match(Entry Entry, int Length);
}
