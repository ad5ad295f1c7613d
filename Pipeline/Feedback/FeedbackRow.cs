using TextGameGen.Contracts.Sampling;
using TextGameGen.Grains.Game;

namespace TextGameGen.Pipeline.Feedback;

/// <summary>One line of <c>feedback.jsonl</c>.</summary>
public sealed record FeedbackRow(
    DateTimeOffset At, string Player, string Turn, int Rating, string Comment, string Kind, string Tag, string Text,
    string? Generator, string? ModelVersion, SamplerSettings? Sampler, int? Seed)
{
    public static FeedbackRow From(PassageFeedback f) =>
        new(f.At, f.PlayerId, f.TurnId, f.Rating, f.Comment, f.Kind.ToString().ToLowerInvariant(), f.PassageTag, f.Text.Trim(), f.Generator, f.ModelVersion, f.Sampler, f.Seed);
}
