using TextGameGen.Contracts.Generation;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Runtime;
using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Inference.Tests;

public sealed class SchedulerFailureTests
{
    [Theory]
    [InlineData(4096)] // prefilled in one pass
    [InlineData(32)]   // prefilled in chunks
    public async Task AFailingForwardPassEndsTheRequestsAsFailedAndTheSchedulerKeepsServing(int prefillBudget)
    {
        using var session = Gpt2Session.Open(Gpt2OnnxWriter.ToBytes(TestModels.TinyWeights));
        // A context longer than the model's position table: the prompt passes the scheduler's checks, then the
        // position embedding lookup fails inside ONNX Runtime.
        await using var scheduler = new GenerationScheduler(session, StoryTokenizer.Shared, new SchedulerOptions { ContextLength = 4096, MaxPrefillTokensPerStep = prefillBudget });
        var tooLong = TestModels.RandomTokens(Gpt2Config.Tiny.Context + 20, seed: 1);

        GenerationEvent? last = null;
        await foreach (var e in scheduler.GenerateAsync(tooLong, SamplerSettings.Greedy with { MaxNewTokens = 3 })) last = e;

        Assert.Equal(GenerationOutcome.Failed, last!.Outcome);
        Assert.StartsWith("Generation failed:", last.Error);

        GenerationEvent? next = null;
        await foreach (var e in scheduler.GenerateAsync(TestModels.RandomTokens(5, seed: 2), SamplerSettings.Greedy with { MaxNewTokens = 3 })) next = e;
        Assert.Equal(GenerationOutcome.Completed, next!.Outcome);
        Assert.Equal(scheduler.Counts.Submitted, scheduler.Counts.Ended);
    }
}
