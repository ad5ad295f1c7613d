using System.Runtime.CompilerServices;
using System.Text.Json;
using StackExchange.Redis;
using TextGameGen.Grains.Game;

namespace TextGameGen.Storage;

/// <summary>
/// Players' ratings in Redis, for clusters that keep their state there: every rating appended as JSON to one list
/// (<c>&lt;service&gt;:feedback</c>), in the order given; the latest rating of each passage is what counts.
/// </summary>
public sealed class RedisFeedbackStore(IConnectionMultiplexer redis, string serviceId) : IFeedbackStore
{
    public RedisKey Key { get; } = $"{serviceId}:feedback";

    public async Task AddAsync(PassageFeedback feedback) =>
        await redis.GetDatabase().ListRightPushAsync(Key, JsonSerializer.Serialize(feedback, StorageJson.Options)).ConfigureAwait(false);

    public async IAsyncEnumerable<PassageFeedback> ReadLatestAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var all = await redis.GetDatabase().ListRangeAsync(Key).ConfigureAwait(false);
        var latest = new Dictionary<(string Player, string Turn), (int Position, PassageFeedback Feedback)>();
        for (int i = 0; i < all.Length; i++)
        {
            var f = JsonSerializer.Deserialize<PassageFeedback>((string)all[i]!, StorageJson.Options)
                ?? throw new InvalidDataException($"Rating {i} in Redis list '{Key}' is null.");
            latest[(f.PlayerId, f.TurnId)] = (i, f);
        }
        foreach (var (_, f) in latest.Values.OrderBy(v => v.Position))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return f;
        }
    }
}
