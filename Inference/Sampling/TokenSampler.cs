using TextGameGen.Contracts.Sampling;
namespace TextGameGen.Inference.Sampling;

/// <summary>
/// Picks the next token from one row of logits: the sentence-end push (and no end of text mid-sentence while it is on),
/// repetition penalty, the foreign-name penalty, then greedy or temperature / top-k / top-p sampling. One instance per generation (it owns the
/// random state, counts the tokens it chose and knows whether they ended a sentence).
/// </summary>
public sealed class TokenSampler
{
    private const int FirstTopPCandidates = 64;
    private const int EndOfTextId = TextGameGen.Contracts.Tokenization.StoryTokens.EndOfTextId;
    private readonly SamplerSettings _settings;
    private readonly Random _random;
    private float[] _scratch = [];
    private int[] _indices = [];
    private readonly HashSet<int> _penalised = [];
    private readonly SentenceEndVocabulary? _sentenceEnds;
    private readonly ForeignNamePenalties _foreignNames = ForeignNamePenalties.None;
    private int _chosen;
    private bool _sentenceEnded = true;

    /// <param name="settings">The sampler and stop settings (validated here).</param>
    /// <param name="sentenceEnds">The tokens the sentence-end push raises; default GPT-2's (<see cref="SentenceEndVocabulary.Gpt2"/>).</param>
    /// <param name="names">The model's book names, for <see cref="SamplerSettings.ForeignNamePenalty"/> (none: the penalty has nothing to act on).</param>
    public TokenSampler(SamplerSettings settings, SentenceEndVocabulary? sentenceEnds = null, ForeignNames? names = null)
    {
        settings.EnsureValid();
        _settings = settings;
        _random = settings.Seed is { } seed ? new Random(seed) : new Random();
        bool pushes = settings.SentenceEndPush > 0 && settings.StopAtSentenceEndAfter > 0;
        _sentenceEnds = pushes ? sentenceEnds ?? SentenceEndVocabulary.Gpt2 : null;
        _sentenceEnded = !pushes;
        if (settings.ForeignNamePenalty > 0 && names is not null) _foreignNames = names.PenalisedExcept(settings.KnownNames);
    }

    /// <summary>Chooses a token. <paramref name="logits"/> is modified (penalty, temperature).</summary>
    public int Next(Span<float> logits, IReadOnlyList<int> history)
    {
        int token = Choose(logits, history);
        if (_sentenceEnds is { } vocabulary)
            _sentenceEnded = vocabulary.EndedAfter(token, _sentenceEnded);
        return token;
    }

    private int Choose(Span<float> logits, IReadOnlyList<int> history)
    {
        // With the push on (a passage), the model may end the text only after a whole sentence, never mid-way.
        if ((_settings.IgnoreEndOfText || !_sentenceEnded) && logits.Length > EndOfTextId) logits[EndOfTextId] = float.NegativeInfinity;
        PushSentenceEnds(logits, ++_chosen);
        ApplyRepetitionPenalty(logits, history);
        PenaliseForeignNames(logits, history);
        if (_settings.Temperature == 0) return ArgMax(logits);

        float invTemperature = 1f / _settings.Temperature;
        int k = _settings.TopK > 0 ? Math.Min(_settings.TopK, logits.Length) : 0;
        if (k == 0 && _settings.TopP >= 1f) return SampleFull(logits, invTemperature);

        int candidates = k > 0 ? k : Math.Min(FirstTopPCandidates, logits.Length);
        while (true)
        {
            int n = TopIndices(logits, candidates);
            // Probabilities over the whole vocabulary, so top-p measures true mass.
            float max = logits[_indices[0]];
            double total = k > 0 ? 0 : SumExp(logits, max, invTemperature);
            for (int i = 0; i < n; i++) _scratch[i] = MathF.Exp((logits[_indices[i]] - max) * invTemperature);
            if (k > 0) for (int i = 0; i < n; i++) total += _scratch[i];

            double mass = 0;
            int keep = n;
            for (int i = 0; i < n; i++)
            {
                mass += _scratch[i] / total;
                if (mass >= _settings.TopP) { keep = i + 1; break; }
            }
            if (keep < n || k > 0 || n == logits.Length) return Draw(keep);
            candidates = Math.Min(candidates * 4, logits.Length);
        }
    }

    /// <summary>Token number <paramref name="token"/> (1-based) past the minimum: sentence ends gain push x tokens past it.</summary>
    private void PushSentenceEnds(Span<float> logits, int token)
    {
        int past = token - _settings.StopAtSentenceEndAfter;
        if (_sentenceEnds is null || past <= 0) return;
        float bonus = _settings.SentenceEndPush * past;
        foreach (int id in _sentenceEnds.Ends)
            if ((uint)id < (uint)logits.Length) logits[id] += bonus;
    }

    private void PenaliseForeignNames(Span<float> logits, IReadOnlyList<int> history)
    {
        float penalty = _settings.ForeignNamePenalty;
        foreach (int id in _foreignNames.Starts)
            if ((uint)id < (uint)logits.Length) logits[id] -= penalty;
        if (history.Count > 0 && _foreignNames.After.TryGetValue(history[^1], out var seconds))
            foreach (int id in seconds)
                if ((uint)id < (uint)logits.Length) logits[id] -= penalty;
    }

    private void ApplyRepetitionPenalty(Span<float> logits, IReadOnlyList<int> history)
    {
        float penalty = _settings.RepetitionPenalty;
        if (penalty == 1f || history.Count == 0) return;
        int start = _settings.RepetitionPenaltyRange > 0 ? Math.Max(0, history.Count - _settings.RepetitionPenaltyRange) : 0;
        _penalised.Clear(); // kept between calls: no allocation per step once its capacity covers the range
        for (int i = start; i < history.Count; i++)
        {
            int id = history[i];
            if ((uint)id >= (uint)logits.Length || !_penalised.Add(id)) continue;
            logits[id] = logits[id] > 0 ? logits[id] / penalty : logits[id] * penalty;
        }
    }

    private int Draw(int keep)
    {
        double total = 0;
        for (int i = 0; i < keep; i++) total += _scratch[i];
        double r = _random.NextDouble() * total;
        for (int i = 0; i < keep; i++)
        {
            r -= _scratch[i];
            if (r <= 0) return _indices[i];
        }
        return _indices[keep - 1];
    }

    private int SampleFull(Span<float> logits, float invTemperature)
    {
        float max = logits[ArgMax(logits)];
        double total = SumExp(logits, max, invTemperature);
        double r = _random.NextDouble() * total;
        for (int i = 0; i < logits.Length; i++)
        {
            r -= MathF.Exp((logits[i] - max) * invTemperature);
            if (r <= 0) return i;
        }
        return logits.Length - 1;
    }

    private static double SumExp(ReadOnlySpan<float> logits, float max, float invTemperature)
    {
        double total = 0;
        foreach (var l in logits) total += MathF.Exp((l - max) * invTemperature);
        return total;
    }

    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    /// <summary>Fills <c>_indices[0..n)</c> with the n largest logits, largest first (ties: lower id first).</summary>
    private int TopIndices(ReadOnlySpan<float> logits, int n)
    {
        if (_indices.Length < n) { _indices = new int[n]; _scratch = new float[n]; }
        var values = _scratch;
        int count = 0;
        float threshold = float.NegativeInfinity;
        int width = System.Numerics.Vector<float>.Count;
        int i = 0;
        // Most logits are below the current n-th best: skip whole vectors of them at once.
        for (; i <= logits.Length - width; i += width)
        {
            if (count == n && !System.Numerics.Vector.GreaterThanAny(new System.Numerics.Vector<float>(logits.Slice(i, width)), new System.Numerics.Vector<float>(threshold)))
                continue;
            for (int j = i; j < i + width; j++) Insert(logits[j], j);
        }
        for (; i < logits.Length; i++) Insert(logits[i], i);
        return count;

        void Insert(float value, int id)
        {
            if (count == n && value <= threshold) return;
            int pos = count == n ? n - 1 : count++;
            while (pos > 0 && values[pos - 1] < value) { values[pos] = values[pos - 1]; _indices[pos] = _indices[pos - 1]; pos--; }
            values[pos] = value;
            _indices[pos] = id;
            if (count == n) threshold = values[n - 1];
        }
    }
}
