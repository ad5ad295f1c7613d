using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using TextGameGen.Contracts.Generation;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Runtime;

using TextGameGen.Inference.Sampling;

namespace TextGameGen.Inference.Scheduling;

/// <summary>
/// One decode loop over one model, shared by every request: in continuous mode a request joins the running
/// batch after its prefill and leaves the moment it finishes (iteration-level batching, as in Orca, TGI, vLLM).
/// A bounded queue answers "busy" at once; deadlines, priorities and per-request sampler settings are kept.
/// </summary>
public sealed partial class GenerationScheduler : IAsyncDisposable
{
    private static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(50);

    private readonly IBatchDecoder _decoder;
    private readonly StoryTokenizer _tokenizer;
    private readonly SchedulerOptions _options;
    private readonly object _gate = new();
    private readonly FairQueue _waiting = new();
    private readonly AdmissionRate _admissions = new();
    private bool _lineJoined;
    private long _placesRankedAt;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Thread _loop;
    private readonly List<ScheduledRequest> _running = [];
    private readonly List<ScheduledRequest> _prefilling = [];
    private IBatchKv? _cache;
    private float[] _logits = [];
    private int[] _tokens = [];
    private readonly StepRows _stepRows;
    private readonly Action<int> _acceptRow;
    private int _stepsSinceAdmission;
    private long _sequence;
    private long _submitted, _completed, _cancelled, _busy, _timedOut, _failed;
    private volatile int _runningCount;

    public GenerationScheduler(IBatchDecoder decoder, StoryTokenizer tokenizer, SchedulerOptions? options = null, IMeterFactory? meterFactory = null)
    {
        _decoder = decoder;
        _tokenizer = tokenizer;
        _options = options ?? new SchedulerOptions();
        _options.Validate();
        Metrics = new InferenceMetrics(() => _runningCount, () => WaitingCount, meterFactory);
        _stepRows = new StepRows(_options.SamplingHelpers ?? StepRows.HelpersForThisMachine, _options.LoopNice);
        _acceptRow = AcceptRow;
        _loop = new Thread(Loop) { IsBackground = true, Name = $"tgg-scheduler-{_options.Mode}" };
        _loop.Start();
    }

    public SchedulerOptions Options => _options;

    /// <summary>The model's book names, which <see cref="SamplerSettings.ForeignNamePenalty"/> keeps out of its passages.</summary>
    public ForeignNames Names { get; init; } = ForeignNames.None;

    public InferenceMetrics Metrics { get; }

    public int WaitingCount { get { lock (_gate) return _waiting.Count; } }

    public SchedulerCounts Counts => new(Interlocked.Read(ref _submitted), Interlocked.Read(ref _completed), Interlocked.Read(ref _cancelled),
        Interlocked.Read(ref _busy), Interlocked.Read(ref _timedOut), Interlocked.Read(ref _failed), WaitingCount, _runningCount);

    /// <summary>Streams a passage for the prompt's token ids. The last event carries the outcome.</summary>
    public async IAsyncEnumerable<GenerationEvent> GenerateAsync(int[] promptIds, SamplerSettings settings,
        GenerationPriority priority = GenerationPriority.Interactive, TimeSpan? deadline = null, string? submitter = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // A consumer that stops reading early (disposes the enumerator) frees its row too.
        using var abandoned = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var request = Submit(promptIds, settings, priority, deadline, submitter, abandoned.Token);
        try
        {
            await foreach (var e in request.Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return e;
        }
        finally
        {
            if (!request.IsFinished) abandoned.Cancel();
        }
    }

    /// <summary>No request can join the line now (it is full, or the scheduler is stopping); under <c>_gate</c>.</summary>
    private bool LineFull => _stopping.IsCancellationRequested || _waiting.Count >= _options.MaxQueueLength;

    /// <summary>What a request refused because the line is full is told.</summary>
    public const string QueueFullMessage = "The generation queue is full; try again shortly.";

    /// <summary>
    /// True when the line is full now (a request submitted now would be answered "busy"); then it counts as such a
    /// request, submitted and answered busy. Lets a caller answer busy before building a prompt the scheduler would
    /// refuse (most of what a saturated server answers is busy).
    /// </summary>
    public bool RefuseIfFull()
    {
        lock (_gate)
            if (!LineFull) return false;
        Interlocked.Increment(ref _submitted);
        Count(null, GenerationOutcome.Busy);
        return true;
    }

    private ScheduledRequest Submit(int[] promptIds, SamplerSettings settings, GenerationPriority priority, TimeSpan? deadline, string? submitter, CancellationToken cancellationToken)
    {
        settings.EnsureValid();
        var prompt = PromptWindow.Fit(promptIds, settings.MaxNewTokens, _options.ContextLength);
        var request = new ScheduledRequest(Interlocked.Increment(ref _sequence), prompt, settings, priority,
            DateTime.UtcNow + (deadline ?? _options.DefaultDeadline), _tokenizer, Names, Count, cancellationToken) { Submitter = submitter };
        Interlocked.Increment(ref _submitted);
        lock (_gate)
        {
            if (LineFull)
            {
                End(request, GenerationOutcome.Busy, error: _stopping.IsCancellationRequested ? "The scheduler is shutting down." : QueueFullMessage);
                return request;
            }
            _waiting.Enqueue(request);
            _lineJoined |= submitter is not null;
        }
        _signal.Release();
        return request;
    }

    private void Loop()
    {
        ThreadNiceness.SetCurrentThread(_options.LoopNice);
        while (!_stopping.IsCancellationRequested)
        {
            bool idle = _running.Count == 0 && _prefilling.Count == 0 && WaitingCount == 0;
            if (idle) _signal.Wait(IdleWait);
            try
            {
                Iterate();
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                FailActive(ex);
            }
        }
        Shutdown();
    }

    /// <summary>Where the loop's time goes: inside ONNX Runtime or outside it.</summary>
    public StepTimings Timings { get; } = new();

    private void Iterate()
    {
        long start = Stopwatch.GetTimestamp();
        var now = DateTime.UtcNow;
        DropEndedWaiting(now);
        DropEndedRunning(now);
        if (_options.Mode == BatchingMode.Continuous) AdmitContinuous();
        else if (_running.Count == 0) AdmitStatic(); // the benchmarks' baselines (GenerationScheduler.RequestLevel.cs)
        ReportPlacesInLine();
        bool decode = _running.Count > 0;
        if (decode) DecodeStep();
        Timings.Iteration(Stopwatch.GetTimestamp() - start, decode);
    }

    private bool End(ScheduledRequest request, GenerationOutcome outcome, string text = "", FinishReason? finish = null, string? error = null)
    {
        return request.Complete(outcome, text, finish, error);
    }

    private void Count(ScheduledRequest? request, GenerationOutcome outcome)
    {
        switch (outcome)
        {
            case GenerationOutcome.Completed: Interlocked.Increment(ref _completed); break;
            case GenerationOutcome.Cancelled: Interlocked.Increment(ref _cancelled); break;
            case GenerationOutcome.Busy: Interlocked.Increment(ref _busy); break;
            case GenerationOutcome.TimedOut: Interlocked.Increment(ref _timedOut); break;
            default: Interlocked.Increment(ref _failed); break;
        }
        Metrics.Outcomes.Add(1, new KeyValuePair<string, object?>("outcome", outcome.ToString().ToLowerInvariant()));
        if (outcome == GenerationOutcome.Completed && request is not null) Metrics.EndToEnd.Record(request.MillisecondsSinceSubmit);
    }

    private void FailActive(Exception ex)
    {
        string message = $"Generation failed: {ex.Message}";
        foreach (var r in _running.Concat(_prefilling)) End(r, GenerationOutcome.Failed, error: message);
        _running.Clear();
        _prefilling.Clear();
        _cache?.Dispose();
        _cache = null;
        _runningCount = 0;
    }

    private void Shutdown()
    {
        foreach (var r in _running.Concat(_prefilling)) End(r, GenerationOutcome.Cancelled, error: "The scheduler stopped.");
        _running.Clear();
        _prefilling.Clear();
        _cache?.Dispose();
        _cache = null;
        lock (_gate)
        {
            _waiting.RemoveAll(r => End(r, GenerationOutcome.Cancelled, error: "The scheduler stopped.") || true);
        }
        _runningCount = 0;
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _signal.Release();
        await Task.Run(() => _loop.Join()).ConfigureAwait(false);
        _stepRows.Dispose();
        Metrics.Dispose();
        _stopping.Dispose();
        _signal.Dispose();
    }
}
