using System.Text.Json;
using StackExchange.Redis;
using TextGameGen.Grains.Game;

namespace TextGameGen.Storage;

/// <summary>
/// Players' older turns in Redis: a sorted set per player (<c>&lt;service&gt;:turns:&lt;player&gt;</c>), scored by the
/// turn's position, the turn as JSON. Writing a position again replaces it (both steps in one transaction).
/// </summary>
public sealed class RedisTurnLog(IConnectionMultiplexer redis, string serviceId) : ITurnLog
{
    public RedisKey KeyOf(string playerId) => $"{serviceId}:turns:{playerId}";

    public async Task WriteAsync(string playerId, IReadOnlyList<StoryTurn> turns)
    {
        if (turns.Count == 0) return;
        var key = KeyOf(playerId);
        var transaction = redis.GetDatabase().CreateTransaction();
        foreach (var turn in turns)
        {
            _ = transaction.SortedSetRemoveRangeByScoreAsync(key, turn.Seq, turn.Seq);
            _ = transaction.SortedSetAddAsync(key, JsonSerializer.Serialize(turn, StorageJson.Options), turn.Seq);
        }
        if (!await transaction.ExecuteAsync().ConfigureAwait(false)) throw new InvalidOperationException($"The turns of player {playerId} were not stored.");
    }

    public async Task<IReadOnlyList<StoryTurn>> ReadBeforeAsync(string playerId, int beforeSeq, int count)
    {
        var values = await redis.GetDatabase().SortedSetRangeByScoreAsync(KeyOf(playerId), double.NegativeInfinity, beforeSeq, Exclude.Stop,
            Order.Descending, take: Math.Max(0, count)).ConfigureAwait(false);
        var turns = values.Select(v => JsonSerializer.Deserialize<StoryTurn>((string)v!, StorageJson.Options)
            ?? throw new InvalidDataException($"A stored turn of player {playerId} is null.")).ToList();
        turns.Reverse();
        return turns;
    }
}
