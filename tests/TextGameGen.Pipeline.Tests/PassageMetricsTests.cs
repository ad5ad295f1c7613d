using TextGameGen.Pipeline.Evaluation;

namespace TextGameGen.Pipeline.Tests;

public sealed class PassageMetricsTests
{
    [Fact]
    public void Sentence_ends_loops_variety_and_length_are_counted_as_defined()
    {
        var m = PassageMetrics.Measure(
        [
            "The door opens. The door opens.", // 4 word 3-grams, "the door opens" twice
            "\"Who is there?\" she asked",     // no sentence end at the end
            "",
        ]);

        Assert.Equal(3, m.Passages);
        Assert.Equal(1 / 3.0, m.EndingSentence, 6);
        Assert.Equal(2 / 7.0, m.Repeated3Grams, 6); // 4 + 3 word 3-grams, 2 of them occurrences of a repeated one
        Assert.Equal(7 / 9.0, m.Distinct2, 6);      // 5 + 4 word pairs, "the door" and "door opens" twice: 7 distinct
        Assert.Equal((6 + 5) / 3.0, m.MeanWords, 6);
        Assert.Equal(1 / 3.0, m.Empty, 6);
    }

    [Fact]
    public void Words_are_lowercased_without_surrounding_punctuation() =>
        Assert.Equal(["who", "is", "there", "she", "asked"], PassageMetrics.Words("“Who is there?” she asked."));
}
