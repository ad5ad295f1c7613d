using System.Runtime.CompilerServices;
using TextGameGen.Inference.Runtime;
using TextGameGen.Inference.Sampling;
using TextGameGen.Inference.Tokenization;

namespace TextGameGen.Inference.Generation;

/// <summary>
/// Generates one passage at a time over a shared <see cref="Gpt2Session"/>, streaming text deltas.
/// (Many concurrent requests go through the batching scheduler instead.)
/// </summary>
public sealed class TextGenerator(Gpt2Session session, StoryTokenizer tokenizer, int contextLength)
{
    /// <summary>Streams the continuation of <paramref name="prompt"/>. Cancellation stops within one model step.</summary>
    public async IAsyncEnumerable<GenerationDelta> GenerateAsync(string prompt, SamplerSettings settings,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        settings.EnsureValid();
        var promptIds = FitPrompt(tokenizer.Encode(prompt), settings.MaxNewTokens, contextLength);
        var sampler = new TokenSampler(settings);
        var history = new List<int>(promptIds);
        var decoder = new IncrementalDecoder(tokenizer);
        var stops = new StopStringFilter(settings.StopStrings);
        var logits = new float[session.VocabularySize];

        using var cache = await Task.Run(() => session.Prefill([promptIds], logits, cancellationToken), cancellationToken).ConfigureAwait(false);
        int generated = 0;
        FinishReason finish = FinishReason.Length;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int token = sampler.Next(logits, history);
            if (token == StoryTokens.EndOfTextId) { finish = FinishReason.EndOfText; break; }
            history.Add(token);
            generated++;
            string text = stops.Push(decoder.Push(token));
            if (stops.Stopped) { finish = FinishReason.StopString; if (text.Length > 0) yield return new GenerationDelta(text, generated); break; }
            if (text.Length > 0) yield return new GenerationDelta(text, generated);
            if (generated >= settings.MaxNewTokens || cache.Length + 1 >= contextLength) break;
            await Task.Run(() => session.Decode(cache, [token], logits, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        string tail = finish == FinishReason.StopString ? string.Empty : stops.Push(decoder.Flush()) + stops.Flush();
        yield return new GenerationDelta(tail, generated, finish);
    }

    /// <summary>Keeps the newest prompt tokens that leave room for the tokens to generate.</summary>
    public static int[] FitPrompt(int[] promptIds, int maxNewTokens, int contextLength)
    {
        int room = Math.Max(1, contextLength - maxNewTokens);
        if (promptIds.Length == 0) return [StoryTokens.EndOfTextId];
        return promptIds.Length <= room ? promptIds : promptIds[^room..];
    }
}
