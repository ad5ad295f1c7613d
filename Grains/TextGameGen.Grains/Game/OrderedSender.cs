using System.Threading.Channels;

namespace TextGameGen.Grains.Game;

/// <summary>
/// Sends calls one after another in the order they were queued, on a loop of its own, so the grain that queues them
/// never waits. Orleans does not order separate calls between two grains (or to an observer), so anything whose order
/// matters (a passage's pieces, a room's actions) goes through one of these.
/// </summary>
public sealed class OrderedSender(Action<Exception> onError)
{
    private readonly Channel<Func<Task>> _queue = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _loop;

    /// <summary>Starts the loop (call from the grain's activation, so the sends run on the grain's scheduler).</summary>
    public void Start() => _loop ??= RunAsync();

    public void Enqueue(Func<Task> send) => _queue.Writer.TryWrite(send);

    /// <summary>
    /// Queues a call and completes when it has been sent (or has failed, which is reported like any other), so the
    /// caller knows everything queued after it goes out after it. Completes at once when the sender has stopped.
    /// </summary>
    public Task EnqueueAndWaitAsync(Func<Task> send)
    {
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(async () =>
            {
                try { await send(); }
                finally { sent.TrySetResult(); }
            }))
            sent.TrySetResult();
        return sent.Task;
    }

    /// <summary>Stops taking calls and completes when the queued ones are sent.</summary>
    public Task StopAsync()
    {
        _queue.Writer.TryComplete();
        return _loop ?? Task.CompletedTask;
    }

    private async Task RunAsync()
    {
        await foreach (var send in _queue.Reader.ReadAllAsync())
        {
            try
            {
                await send();
            }
            catch (Exception ex)
            {
                onError(ex);
            }
        }
    }
}
