using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Runtime;

namespace TextGameGen.Inference.Tests;

/// <summary>
/// Rows joining and leaving a batch must not change any row's logits, whether the cache is reshaped on the host
/// or by the device-side graphs (which run here on the CPU provider; on a GPU they keep the cache in device memory).
/// </summary>
public sealed class KvCacheReshapingTests
{
    private const float Tolerance = 1e-4f;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RowsThatJoinAndLeaveKeepTheirOwnLogits(bool deviceResident)
    {
        var weights = Gpt2Weights.CreateRandom(TestModels.Narrow, seed: 51);
        int vocab = weights.Config.VocabularySize;
        var bytes = Gpt2OnnxWriter.ToBytes(weights);
        using var session = Gpt2Session.Open(bytes, new SessionSettings { DeviceResidentCache = deviceResident });
        Assert.Equal(deviceResident, session.HasDeviceResidentCache);
        int[][] first = [TestModels.RandomTokens(4, 1), TestModels.RandomTokens(9, 2)];
        int[][] second = [TestModels.RandomTokens(12, 3), TestModels.RandomTokens(2, 4), TestModels.RandomTokens(6, 5)];
        var next = new[] { 11, 22, 33, 44, 55 };

        var logits = new float[5 * vocab];
        using var cache = session.Prefill(first, logits);
        session.Decode(cache, next[..2], logits);
        using var joining = session.Prefill(second, logits);
        session.AppendRows(cache, joining);
        session.KeepRows(cache, [1, 2, 4]);
        session.Decode(cache, [7, 8, 9], logits);

        // The same three sequences, each on its own.
        int[][] alone = [[.. first[1], next[1], 7], [.. second[0], 8], [.. second[2], 9]];
        for (int i = 0; i < alone.Length; i++)
        {
            var single = new float[vocab];
            using var c = session.Prefill([alone[i]], single);
            float diff = TestModels.MaxAbsDiff(logits.AsSpan(i * vocab, vocab), single);
            Assert.True(diff <= Tolerance, $"row {i}: {diff}");
        }
        Assert.Equal(3, cache.Batch);
        Assert.Equal(13, cache.Length); // the longest remaining row (second[0] + 1); leading padding was trimmed
    }
}
