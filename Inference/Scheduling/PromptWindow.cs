using TextGameGen.Contracts.Tokenization;

namespace TextGameGen.Inference.Scheduling;

/// <summary>Fits a prompt into the model's context beside the tokens to generate.</summary>
public static class PromptWindow
{
    /// <summary>Keeps the newest prompt tokens that leave room for <paramref name="maxNewTokens"/>; an empty prompt becomes &lt;|endoftext|&gt;.</summary>
    public static int[] Fit(int[] promptIds, int maxNewTokens, int contextLength)
    {
        int room = Math.Max(1, contextLength - maxNewTokens);
        if (promptIds.Length == 0) return [StoryTokens.EndOfTextId];
        return promptIds.Length <= room ? promptIds : promptIds[^room..];
    }
}
