using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;

namespace TextGameGen.WebFront.Hubs;

/// <summary>
/// A token bucket per player over every hub call: a burst of <see cref="Burst"/> calls, then
/// <see cref="PerSecond"/> a second. A call over the limit is refused with a clear message and reaches no grain.
/// </summary>
public sealed class RateLimitFilter(GameMetrics metrics) : IHubFilter, IDisposable
{
    public const int Burst = 20;
    public const int PerSecond = 5;

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(user =>
        RateLimitPartition.GetTokenBucketLimiter(user, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Burst,
            TokensPerPeriod = PerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var user = context.Context.UserIdentifier ?? context.Context.ConnectionId;
        using var lease = _limiter.AttemptAcquire(user);
        if (!lease.IsAcquired) metrics.Refused.Add(1, new KeyValuePair<string, object?>("reason", "rate"));
        if (!lease.IsAcquired) throw new HubException($"Slow down: at most {PerSecond} messages a second (bursts of {Burst}). Nothing was changed; try again in a moment.");
        return await next(context);
    }

    public void Dispose() => _limiter.Dispose();
}
