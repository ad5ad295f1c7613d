namespace TextGameGen.Contracts.Tokenization;

/// <summary>The story-tagging special tokens and their ids (appended after GPT-2's 50257-token vocabulary).</summary>
public static class StoryTokens
{
    public const string EndOfText = "<|endoftext|>";
    public const string Action = "<|action|>";
    public const string Dialogue = "<|dialogue|>";
    public const string Quest = "<|quest|>";

    public const int EndOfTextId = 50256;
    public const int ActionId = 50257;
    public const int DialogueId = 50258;
    public const int QuestId = 50259;

    public static IReadOnlyDictionary<string, int> All { get; } = new Dictionary<string, int>
    {
        [EndOfText] = EndOfTextId,
        [Action] = ActionId,
        [Dialogue] = DialogueId,
        [Quest] = QuestId,
    };
}
