namespace TextGameGen.Inference.Generation;

/// <summary>Why a generation ended.</summary>
public enum FinishReason
{
    /// <summary>The model wrote <c>&lt;|endoftext|&gt;</c>.</summary>
    EndOfText,

    /// <summary>The generated text reached a stop string.</summary>
    StopString,

    /// <summary>max_new_tokens was reached.</summary>
    Length,
}

/// <summary>A piece of streamed text. The last delta of a generation carries its <see cref="Finish"/> reason.</summary>
public sealed record GenerationDelta(string Text, int TokenCount, FinishReason? Finish = null);
