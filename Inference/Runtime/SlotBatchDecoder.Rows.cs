namespace TextGameGen.Inference.Runtime;

/// <summary>
/// Rows leaving and joining: a block's rows stay contiguous, so the gaps leaving rows make are closed and a joining
/// block's rows are moved next to the block they join.
/// </summary>
public sealed partial class SlotBatchDecoder
{
    public void KeepRows(IBatchKv cache, IReadOnlyList<int> rows)
    {
        var block = Own(cache);
        int start = block.Start, count = block.Rows;
        CheckKept(rows, count);
        var keep = new HashSet<int>(rows.Select(r => start + r));
        Compact(slot => _slots[slot] != block || keep.Contains(slot));
    }

    /// <summary>
    /// Keeps the rows at <paramref name="rows"/> (increasing) in the order cheapest to reach: each gap a leaving row
    /// leaves among the first <c>rows.Count</c> slots is filled by a kept row from past them, so a row that ends moves
    /// at most one other row's keys and values, not every row after it (in order, a row ending mid-batch moved half
    /// the batch: at 32 rows of 240 positions, 8 layers of 256, about 60 MB a time). Returns the kept rows' old
    /// indices in their new order.
    /// </summary>
    public IReadOnlyList<int> KeepRowsInAnyOrder(IBatchKv cache, IReadOnlyList<int> rows)
    {
        var block = Own(cache);
        int start = block.Start, count = block.Rows, n = rows.Count;
        CheckKept(rows, count);
        var order = new int[n];
        var kept = new bool[count];
        foreach (int r in rows) kept[r] = true;
        int mover = n - 1; // rows[mover..] are the kept rows at n or past it, taken last first
        for (int slot = 0; slot < n; slot++)
        {
            if (kept[slot]) { order[slot] = slot; continue; }
            int from = rows[mover--];
            _session.CopyRow(start + from, start + slot);
            order[slot] = from;
        }
        Compact(slot => _slots[slot] != block || slot < start + n);
        return order;
    }

    private static void CheckKept(IReadOnlyList<int> rows, int count)
    {
        for (int i = 1; i < rows.Count; i++)
            if (rows[i] <= rows[i - 1]) throw new ArgumentException("Rows to keep are given in increasing order.", nameof(rows));
        if (rows.Any(r => r < 0 || r >= count)) throw new ArgumentOutOfRangeException(nameof(rows));
    }

    public void AppendRows(IBatchKv cache, IBatchKv other)
    {
        var into = Own(cache);
        var from = Own(other);
        if (into == from) throw new ArgumentException("A cache cannot join itself.", nameof(other));
        // Move the other block's rows, first to last, to just after this block's last row; rows in between move up.
        while (from.Rows > 0)
        {
            int source = _slots.IndexOf(from);
            int last = into.Rows == 0 ? -1 : _slots.LastIndexOf(into);
            int target = source > last ? last + 1 : last;
            MoveSlot(source, target);
            _slots[target] = into;
        }
    }

    private void Remove(Block block) => Compact(slot => _slots[slot] != block);

    /// <summary>Keeps the slots <paramref name="kept"/> says yes to, closing the gaps in order.</summary>
    private void Compact(Func<int, bool> kept)
    {
        int write = 0;
        var owners = new List<Block>(_slots.Count);
        for (int read = 0; read < _slots.Count; read++)
        {
            if (!kept(read)) continue;
            if (read != write) _session.CopyRow(read, write);
            owners.Add(_slots[read]);
            write++;
        }
        _slots.Clear();
        _slots.AddRange(owners);
        _session.Truncate(write);
    }

    /// <summary>Moves the row at <paramref name="from"/> to <paramref name="to"/>; the rows between shift by one.</summary>
    private void MoveSlot(int from, int to)
    {
        if (from == to) return;
        var owner = _slots[from];
        _session.CopyRow(from, _scratch);
        if (from < to) for (int s = from; s < to; s++) _session.CopyRow(s + 1, s);
        else for (int s = from; s > to; s--) _session.CopyRow(s - 1, s);
        _session.CopyRow(_scratch, to);
        _slots.RemoveAt(from);
        _slots.Insert(to, owner);
    }
}
