using TextGameGen.Contracts.Generation;
using TextGameGen.Grains.Game.Story;
using TextGameGen.Inference.Generation;

namespace TextGameGen.Grains.Tests;

public sealed class PassageTextTests
{
    [Theory]
    [InlineData("The door opens. A cold wind blows through the", FinishReason.Length, "The door opens.")]
    [InlineData("The door opens! Who is there? Nobody answers and the", FinishReason.EndOfText, "The door opens! Who is there?")]
    [InlineData("\" The knight rides on. He is tired.", FinishReason.SentenceEnd, "The knight rides on. He is tired.")]
    [InlineData(", and then the king spoke. \"Come in.\"", FinishReason.SentenceEnd, "and then the king spoke. \"Come in.\"")]
    [InlineData("” the fox said. It ran.", FinishReason.SentenceEnd, "the fox said. It ran.")]
    [InlineData("\"I will go,\" said the knight, \"and find the", FinishReason.Length, "\"I will go,\" said the knight, \"and find\"")]
    [InlineData("\"Stay here. I will come back", FinishReason.Length, "\"Stay here.\"")]
    [InlineData("the wind and the dark and the cold night wi", FinishReason.Length, "the wind and the dark and the cold night")]
    [InlineData("\"Hello!\" she cried.", FinishReason.SentenceEnd, "\"Hello!\" she cried.")]
    [InlineData("Dr. Owl waved. Then he", FinishReason.Length, "Dr. Owl waved.")]
    [InlineData("He was not afraid.“They have come for the", FinishReason.Length, "He was not afraid.")]
    [InlineData("‘Ah! The king’s", FinishReason.Length, "‘Ah!’")]
    [InlineData("‘Go home,’ said the king’s son.", FinishReason.SentenceEnd, "‘Go home,’ said the king’s son.")]
    public void A_passage_is_kept_from_its_first_word_to_its_last_whole_sentence(string raw, FinishReason finish, string kept) =>
        Assert.Equal(kept, PassageText.Finish(raw, finish));

    [Fact]
    public void The_engine_stops_before_the_next_sentence_once_past_the_minimum_and_keeps_a_closing_quote()
    {
        var stop = new SentenceStop(afterTokens: 3);
        string[] pieces = ["\"We", " ride", " at", " dawn", ".", "\"", " The", " knights"];
        int generated = 0, stoppedAt = -1;
        for (int i = 0; i < pieces.Length; i++)
        {
            if (stop.StopsBefore(pieces[i], generated)) { stoppedAt = i; break; }
            generated++;
            stop.Emitted(pieces[i]);
        }
        Assert.Equal(6, stoppedAt); // after the closing quote, before " The"

        var early = new SentenceStop(afterTokens: 10);
        Assert.False(early.StopsBefore(" The", 2)); // a sentence ended, but the passage is too short yet
        Assert.False(new SentenceStop(0).StopsBefore(" The", 50));
        var unspaced = new SentenceStop(afterTokens: 1);
        unspaced.Emitted(" afraid.");
        Assert.True(unspaced.StopsBefore("“They", 5)); // the next sentence's opening quote, written without a space
        Assert.False(unspaced.StopsBefore(",", 5));
        Assert.True(SentenceEnds.EndsSentence("He left...\"  "));
        Assert.False(SentenceEnds.EndsSentence("He left, and"));
    }
}
