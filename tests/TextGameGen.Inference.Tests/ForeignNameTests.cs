using TextGameGen.Contracts.Sampling;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Sampling;

namespace TextGameGen.Inference.Tests;

public sealed class ForeignNameTests
{
    private static readonly StoryTokenizer Tokens = StoryTokenizer.Shared;
    private static int First(string text) => Tokens.Encode(text)[0];

    [Fact]
    public void A_name_is_penalised_where_it_starts_with_and_without_the_space_before_it_and_common_first_pieces_never()
    {
        var names = ForeignNames.Build(["Dorothy", "Mowgli", "Theodora", "king"], Tokens);

        Assert.Equal("Dorothy", names.NameStartedBy(First(" Dorothy")));
        // " Mowgli" is " M" "ow" "g" "li": " M" alone starts too much, so "ow" is penalised right after it.
        var mowgli = Tokens.Encode(" Mowgli");
        Assert.Null(names.NameStartedBy(mowgli[0]));
        Assert.Equal("Mowgli", names.NameContinuedBy(mowgli[0], mowgli[1]));
        if (Tokens.Encode("Dorothy").Length == 1) Assert.Equal("Dorothy", names.NameStartedBy(First("Dorothy")));
        // " The" starts "Theodora" too, and a great many sentences: never penalised. Lower-case words are not names.
        Assert.Null(names.NameStartedBy(First(" The")));
        Assert.Null(names.NameStartedBy(First(" king")));
    }

    [Fact]
    public void The_names_the_context_gives_are_spared()
    {
        var names = ForeignNames.Build(["Dorothy", "Gretel"], Tokens);
        var penalised = names.PenalisedExcept(["Gretel Miller"]);

        Assert.Contains(First(" Dorothy"), penalised.Starts);
        Assert.DoesNotContain(First(" Gretel"), penalised.Starts);
    }

    [Fact]
    public void The_sampler_takes_the_penalty_from_a_foreign_name_and_leaves_a_known_one()
    {
        var names = ForeignNames.Build(["Dorothy"], Tokens);
        int dorothy = First(" Dorothy"), ash = First(" Ash");
        var logits = new float[StoryTokens.EndOfTextId + 1];
        logits[dorothy] = 5;
        logits[ash] = 3;

        var settings = SamplerSettings.Greedy with { ForeignNamePenalty = 10 };
        Assert.Equal(ash, new TokenSampler(settings, names: names).Next((float[])logits.Clone(), []));
        Assert.Equal(dorothy, new TokenSampler(settings with { KnownNames = ["Dorothy"] }, names: names).Next((float[])logits.Clone(), []));
        Assert.Equal(dorothy, new TokenSampler(SamplerSettings.Greedy, names: names).Next((float[])logits.Clone(), [])); // penalty off
        Assert.Equal(dorothy, new TokenSampler(settings).Next((float[])logits.Clone(), [])); // a model without names.txt
    }

    [Fact]
    public void A_name_whose_first_piece_is_short_is_steered_away_right_after_that_piece_only()
    {
        var names = ForeignNames.Build(["Mowgli"], Tokens);
        var mowgli = Tokens.Encode(" Mowgli");
        int other = First("ary");
        var logits = new float[StoryTokens.EndOfTextId + 1];
        logits[mowgli[1]] = 5;
        logits[other] = 3;
        var settings = SamplerSettings.Greedy with { ForeignNamePenalty = 10 };

        Assert.Equal(other, new TokenSampler(settings, names: names).Next((float[])logits.Clone(), [mowgli[0]]));
        Assert.Equal(mowgli[1], new TokenSampler(settings, names: names).Next((float[])logits.Clone(), [First(" the")]));
        Assert.Equal(mowgli[1], new TokenSampler(settings with { KnownNames = ["Mowgli"] }, names: names).Next((float[])logits.Clone(), [mowgli[0]]));
    }

    [Fact]
    public void Out_of_range_penalties_and_too_many_or_empty_known_names_are_refused_by_name()
    {
        Assert.Contains("foreign_name_penalty", new SamplerSettings { ForeignNamePenalty = -1 }.Validate());
        Assert.Contains("foreign_name_penalty", new SamplerSettings { ForeignNamePenalty = float.NaN }.Validate());
        Assert.Contains("known_names", new SamplerSettings { KnownNames = [.. Enumerable.Range(0, SamplerSettings.MaxKnownNames + 1).Select(i => $"N{i}")] }.Validate());
        Assert.Contains("known names", new SamplerSettings { KnownNames = [" "] }.Validate());
        Assert.Null(new SamplerSettings { ForeignNamePenalty = 10, KnownNames = ["Ash"] }.Validate());
    }
}
