using System.Runtime.CompilerServices;
using TextGameGen.Contracts.Generation;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Contracts.Tokenization;

namespace TextGameGen.Grains.Game.Story;

/// <summary>A generation from a text prompt on a freshly leased generator (a room's description, the model test pane).</summary>
public static class GenerationStream
{
    public static async IAsyncEnumerable<GenerationChunk> GenerateAsync(IGenerationGrain generation, string generator, string prompt, SamplerSettings sampler,
        GenerationPriority priority = GenerationPriority.Interactive, Action<GeneratorLease>? leased = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var lease = await generation.LeaseAsync(generator);
        if (lease is null)
        {
            yield return GenerationChunk.Ended(GenerationOutcome.Failed, $"No generator '{generator}' is served here.");
            yield break;
        }
        leased?.Invoke(lease);
        var request = new GenerationRequest(lease, StoryTokenizer.Shared.Encode(prompt), sampler, priority);
        await foreach (var chunk in generation.GenerateAsync(request, cancellationToken)) yield return chunk;
    }
}
