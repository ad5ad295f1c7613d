using System.Diagnostics;
using System.Threading.Channels;
using TextGameGen.Contracts.Generation;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Generation;
using TextGameGen.Inference.Runtime;
using TextGameGen.Inference.Sampling;

namespace TextGameGen.Inference.Scheduling;

/// <summary>One request inside the scheduler: its prompt, sampler, stop rules, stream and timings.</summary>
internal sealed class ScheduledRequest
{
    private readonly Channel<GenerationEvent> _events = Channel.CreateUnbounded<GenerationEvent>(new UnboundedChannelOptions { SingleWriter = true, SingleReader = true });
    private readonly TokenSampler _sampler;
    private readonly IncrementalDecoder _decoder;
    private readonly StopStringFilter _stops;
    private readonly SentenceStop _sentence;
    private readonly long _submittedAt = Stopwatch.GetTimestamp();
    private readonly Action<ScheduledRequest, GenerationOutcome> _onEnded;

    public ScheduledRequest(long sequence, int[] prompt, SamplerSettings settings, GenerationPriority priority, DateTime deadlineUtc,
        StoryTokenizer tokenizer, ForeignNames names, Action<ScheduledRequest, GenerationOutcome> onEnded, CancellationToken cancellationToken)
    {
        _onEnded = onEnded;
        Sequence = sequence;
        Prompt = prompt;
        Settings = settings;
        Priority = priority;
        DeadlineUtc = deadlineUtc;
        CancellationToken = cancellationToken;
        History = [.. prompt];
        _sampler = new TokenSampler(settings, names: names);
        _decoder = new IncrementalDecoder(tokenizer);
        _stops = new StopStringFilter(settings.StopStrings);
        _sentence = new SentenceStop(settings.StopAtSentenceEndAfter);
    }

    public long Sequence { get; }

    /// <summary>Who asked (a player id): the fair queue serves submitters in turn, and only their requests are told their place in line.</summary>
    public string? Submitter { get; init; }

    /// <summary>The place in line last told to the submitter (0: none yet), and when (a Stopwatch timestamp).</summary>
    public int ToldPlace { get; private set; }
    public long ToldAt { get; private set; }

    /// <summary>Tells a waiting request its place in line and the estimated wait (from the scheduler's loop, the only writer).</summary>
    public void TellPlace(int place, double? waitSeconds)
    {
        ToldPlace = place;
        ToldAt = Stopwatch.GetTimestamp();
        _events.Writer.TryWrite(new GenerationEvent("", 0) { Place = place, WaitSeconds = waitSeconds });
    }
    public int[] Prompt { get; }
    public SamplerSettings Settings { get; }
    public GenerationPriority Priority { get; }
    public DateTime DeadlineUtc { get; }
    public CancellationToken CancellationToken { get; }
    public List<int> History { get; }
    public ChannelReader<GenerationEvent> Events => _events.Reader;

    /// <summary>The token to feed at the next decode step.</summary>
    public int LastToken { get; private set; }
    public int Generated { get; private set; }
    private volatile bool _finished;

    public bool IsFinished => _finished;

    /// <summary>Chunked prefill in progress: the cache so far and how many prompt tokens it holds.</summary>
    public IBatchKv? PartialCache { get; set; }
    public int PrefilledTokens { get; set; }

    public long? PrefillStartedAt { get; set; }
    private long? _firstTokenAt;

    public double MillisecondsSinceSubmit => Stopwatch.GetElapsedTime(_submittedAt).TotalMilliseconds;

    public bool IsExpired(DateTime nowUtc) => nowUtc >= DeadlineUtc;

    /// <summary>Samples from this row's logits and streams the text. Returns true when the request is finished.</summary>
    public bool Accept(Span<float> logits, int contextLength, InferenceMetrics metrics)
    {
        int token = _sampler.Next(logits, History);
        if (_firstTokenAt is null)
        {
            _firstTokenAt = Stopwatch.GetTimestamp();
            metrics.TimeToFirstToken.Record(MillisecondsSinceSubmit);
            metrics.Live.FirstToken(MillisecondsSinceSubmit);
        }
        if (token == StoryTokens.EndOfTextId) return Finish(FinishReason.EndOfText);
        string text = _stops.Push(_decoder.Push(token));
        // A complete sentence, past the minimum, and this token starts the next one: the passage ends before it.
        if (_sentence.StopsBefore(text, Generated)) return Finish(FinishReason.SentenceEnd);
        History.Add(token);
        LastToken = token;
        Generated++;
        metrics.Live.Token();
        metrics.GeneratedTokens.Add(1);
        if (_stops.Stopped)
        {
            if (text.Length > 0) _events.Writer.TryWrite(new GenerationEvent(text, Generated));
            return Finish(FinishReason.StopString);
        }
        if (text.Length > 0) _events.Writer.TryWrite(new GenerationEvent(text, Generated));
        _sentence.Emitted(text);
        if (Generated >= Settings.MaxNewTokens || History.Count >= contextLength) return Finish(FinishReason.Length);
        return false;

        bool Finish(FinishReason reason)
        {
            // After a stop string or a sentence end, what the decoder still holds belongs to text that is not emitted.
            string tail = reason is FinishReason.StopString or FinishReason.SentenceEnd ? string.Empty : _stops.Push(_decoder.Flush()) + _stops.Flush();
            if (Generated > 1 && _firstTokenAt is { } first)
                metrics.TimePerOutputToken.Record(Stopwatch.GetElapsedTime(first).TotalMilliseconds / (Generated - 1));
            Complete(GenerationOutcome.Completed, tail, reason);
            return true;
        }
    }

    /// <summary>Ends the stream with an outcome. Only the first call has an effect.</summary>
    public bool Complete(GenerationOutcome outcome, string text = "", FinishReason? finish = null, string? error = null)
    {
        if (IsFinished) return false;
        _finished = true;
        // Counted before the final event is written, so a caller that sees it also sees the count.
        _onEnded(this, outcome);
        PartialCache?.Dispose();
        PartialCache = null;
        _events.Writer.TryWrite(new GenerationEvent(text, Generated, outcome, finish, error));
        _events.Writer.TryComplete();
        return true;
    }
}
