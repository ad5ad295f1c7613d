namespace TextGameGen.Inference.Registry;

/// <summary>What a promotion did: made the version production (perhaps by override), found it already was, or was refused by the gate.</summary>
public sealed record PromotionDecision(bool Promoted, string Message, string? Refusal = null)
{
    public static PromotionDecision Refused(string refusal) => new(false, $"Promotion refused: {refusal}", refusal);
}
