namespace TextGameGen.Inference.Generation;

/// <summary>
/// Holds back text that might be the start of a stop string, and cuts the output where one appears,
/// so a stop string is never shown to the player, not even in part.
/// </summary>
public sealed class StopStringFilter(IReadOnlyList<string> stopStrings)
{
    private readonly System.Text.StringBuilder _text = new();
    private int _emitted;

    public bool Stopped { get; private set; }

    /// <summary>Adds generated text; returns what can be shown now.</summary>
    public string Push(string delta)
    {
        if (Stopped || delta.Length == 0) return string.Empty;
        _text.Append(delta);
        if (stopStrings.Count == 0) return TakeUpTo(_text.Length);
        string all = _text.ToString();
        int cut = -1;
        foreach (var stop in stopStrings)
        {
            int at = all.IndexOf(stop, Math.Max(0, _emitted - stop.Length + 1), StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || at < cut)) cut = at;
        }
        if (cut >= 0)
        {
            Stopped = true;
            return TakeUpTo(Math.Max(cut, _emitted));
        }
        int hold = 0;
        foreach (var stop in stopStrings)
            for (int n = Math.Min(stop.Length - 1, all.Length); n > hold; n--)
                if (all.AsSpan(all.Length - n).SequenceEqual(stop.AsSpan(0, n))) { hold = n; break; }
        return TakeUpTo(all.Length - hold);
    }

    /// <summary>At the end of a generation, the text held back (it never became a stop string).</summary>
    public string Flush() => Stopped ? string.Empty : TakeUpTo(_text.Length);

    private string TakeUpTo(int end)
    {
        if (end <= _emitted) return string.Empty;
        string piece = _text.ToString(_emitted, end - _emitted);
        _emitted = end;
        return piece;
    }
}
