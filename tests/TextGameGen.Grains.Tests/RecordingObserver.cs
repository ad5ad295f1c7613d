using System.Collections.Concurrent;
using TextGameGen.Grains.Game;

namespace TextGameGen.Grains.Tests;

/// <summary>A test-side player observer that records every event it is sent.</summary>
public sealed class RecordingObserver : IPlayerObserver
{
    public ConcurrentQueue<PlayerEvent> Events { get; } = new();

    public Task OnEventAsync(PlayerEvent e)
    {
        Events.Enqueue(e);
        return Task.CompletedTask;
    }

    public static async Task Until(Func<bool> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited {seconds} s for: {what}");
            await Task.Delay(20);
        }
    }

    public static async Task Until(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited {seconds} s for: {what}");
            await Task.Delay(20);
        }
    }
}
