namespace TextGameGen.Contracts.Generation;

/// <summary>Why a completed generation ended.</summary>
[GenerateSerializer, Alias("TextGameGen.FinishReason")]
public enum FinishReason
{
    /// <summary>The model wrote <c>&lt;|endoftext|&gt;</c>.</summary>
    EndOfText,

    /// <summary>The generated text reached a stop string.</summary>
    StopString,

    /// <summary>max_new_tokens was reached (or the model's context was full).</summary>
    Length,

    /// <summary>A sentence ended after the minimum length (<c>StopAtSentenceEndAfter</c>).</summary>
    SentenceEnd,
}
