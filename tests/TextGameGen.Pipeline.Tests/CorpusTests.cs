using TextGameGen.Contracts.Tokenization;
using TextGameGen.Pipeline.Corpus;

namespace TextGameGen.Pipeline.Tests;

public sealed class SentenceSplitterTests
{
    [Theory]
    [InlineData("Mr. Smith went home. He slept.", new[] { "Mr. Smith went home.", "He slept." })]
    [InlineData("J. R. R. Tolkien wrote it. Then he rested.", new[] { "J. R. R. Tolkien wrote it.", "Then he rested." })]
    [InlineData("It cost 3.5 coins. Fine.", new[] { "It cost 3.5 coins.", "Fine." })]
    [InlineData("\"Stop!\" he cried. \"Now!\"", new[] { "\"Stop!\" he cried.", "\"Now!\"" })]
    [InlineData("\"Who is there?\" The door opened.", new[] { "\"Who is there?\"", "The door opened." })]
    [InlineData("‘Father, father!’ cried Tom. ‘I am here.’", new[] { "‘Father, father!’ cried Tom.", "‘I am here.’" })]
    [InlineData("Dr. Ozma waited, etc. and so on. Then night fell!", new[] { "Dr. Ozma waited, etc. and so on.", "Then night fell!" })]
    [InlineData("Wait... What was that?", new[] { "Wait...", "What was that?" })]
    public void SplitsFictionAtRealSentenceEnds(string paragraph, string[] sentences) =>
        Assert.Equal(sentences, SentenceSplitter.Split(paragraph));
}

public sealed class TextCleanerTests
{
    [Fact]
    public void GutenbergFrameHeadingsIllustrationsHyphenationAndRepeatsAreRemoved()
    {
        const string book = """
            The Project Gutenberg eBook of Something
            *** START OF THE PROJECT GUTENBERG EBOOK SOMETHING ***

            CHAPTER I. THE BEGINNING

            [Illustration: a dragon]

            The dragon slept in a won-
            derful cave, far away.

            The dragon slept in a won-
            derful cave, far away.

            II.

            The knight   arrived.
            *** END OF THE PROJECT GUTENBERG EBOOK SOMETHING ***
            License text here.
            """;

        Assert.Equal(["The dragon slept in a wonderful cave, far away.", "The knight arrived."], TextCleaner.Paragraphs(book));
    }
}

public sealed class RealEditionCleaningTests
{
    [Fact]
    public void SidenotesAndBracketedEditorialNotesAreRemovedEvenAcrossLinesAndNested()
    {
        const string book = """
            [Sidenote: The king
            speaks.] "Who goes there?" asked the king, and the guard answered at once.

            [Illustration: How the King's Son saved the Raven from the Snake

            by H. J. Ford 1910]

            [From the Portuguese.]

              [Illustration: THE BLUE PARROT
                  [_See p. 16._]]

            The raven[1] flew over the wood and the snake[*] slept.
            """;
        Assert.Equal(["\"Who goes there?\" asked the king, and the guard answered at once.", "The raven flew over the wood and the snake slept."],
            TextCleaner.Paragraphs(book));
    }

    [Fact]
    public void FootnotesAndTranscribersNotesAreDroppedWithTheirMarkers()
    {
        const string book = """
            The old woman spun all night by the fire, and in the morning the flax was gold.

            [1] The flax of this country is finer than any other, as every traveller says.

            FOOTNOTES:

            [FN#2] A measure of weight.

            Pg. 44, "money" changed to "monkey" as inferred from context.
            """;
        Assert.Equal(["The old woman spun all night by the fire, and in the morning the flax was gold."], TextCleaner.Paragraphs(book));
    }

    [Fact]
    public void UnderscoreItalicsLoseTheirMarksAndDashRunsAndSeparatorLinesGo()
    {
        const string book = """
            'The ones _I_ got are all right,' Jane said, 'and the man said they were worth _thribble_ the money.'

            *       *       *       *       *

              +-----------------------------------+

            'You'll see me----Stop a minute!' cried the Rat, and he ran down to the river bank.
            """;
        Assert.Equal(["'The ones I got are all right,' Jane said, 'and the man said they were worth thribble the money.'",
            "'You'll see me--Stop a minute!' cried the Rat, and he ran down to the river bank."], TextCleaner.Paragraphs(book));
    }

    [Fact]
    public void TablesOfContentsTitlesAndVerseAreNotProse()
    {
        const string book = """
            CONTENTS

                 1 The Egg
                 2 The Topless Tower
                 3 The Queen Cook

            Contents

                 Mowgli's Brothers
                 Kaa's Hunting
                 "Tiger! Tiger!"

            Mowgli's Brothers

                 Now Rann the Kite brings home the night
                    That Mang the Bat sets free--
                 The herds are shut in byre and hut

            It was seven o'clock of a very warm evening in the Seeonee hills when Father Wolf woke up.
            """;
        Assert.Equal(["It was seven o'clock of a very warm evening in the Seeonee hills when Father Wolf woke up."], TextCleaner.Paragraphs(book));
    }

    [Fact]
    public void EndOfTheProjectGutenbergEbookLinesEndTheBook()
    {
        const string book = """
            *** START OF THE PROJECT GUTENBERG EBOOK OZMA OF OZ ***

            And so they all lived happily in the Emerald City, and Dorothy went home at last.

            End of the Project Gutenberg EBook of Ozma of Oz, by L. Frank Baum

            *** END OF THE PROJECT GUTENBERG EBOOK OZMA OF OZ ***
            """;
        Assert.Equal(["And so they all lived happily in the Emerald City, and Dorothy went home at last."], TextCleaner.Paragraphs(book));
        Assert.Equal(["The old tale ends here, as all tales must, with a feast in the hall."],
            TextCleaner.Paragraphs("The old tale ends here, as all tales must, with a feast in the hall.\n\nEnd of Project Gutenberg's Andersen's Fairy Tales, by Hans Christian Andersen\n\nThis file should be named 1597.txt"));
    }

    [Fact]
    public void AnOldHeaderWithoutAStartLineIsCutAtTheEndOfItsSmallPrint()
    {
        const string book = """
            The Project Gutenberg Etext of The Orange Fairy Book
            by Andrew Lang

            Please take a look at the important information in this header.

            ***START**THE SMALL PRINT!**FOR PUBLIC DOMAIN ETEXTS**START***
            Why is this "Small Print!" statement here? You know: lawyers.
            *END THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.07.00*END*

            There was once a king who had three daughters, and the youngest was the fairest of them all.
            """;
        Assert.Equal(["There was once a king who had three daughters, and the youngest was the fairest of them all."], TextCleaner.Paragraphs(book));
    }
}

public sealed class HeldOutSplitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tgg-heldout-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AnEarlierCorpusesDevAndTestLinesStayOutOfTrainingWhenMoreBooksJoin()
    {
        string first = Path.Combine(_dir, "first.txt"), second = Path.Combine(_dir, "second.txt");
        File.WriteAllText(first, string.Join("\n\n", Enumerable.Range(0, 200).Select(i => $"The knight rode to castle number {i} at dawn.")));
        File.WriteAllText(second, string.Join("\n\n", Enumerable.Range(0, 2000).Select(i => $"A fox ran through field number {i} at noon.")));
        var small = CorpusBuilder.Build([first], Path.Combine(_dir, "small"), new CorpusSettings());
        var big = CorpusBuilder.Build([first, second], Path.Combine(_dir, "big"),
            new CorpusSettings { HeldOutFiles = [Path.Combine(_dir, "small", CorpusBuilder.HeldOutFile)] });

        string[] Lines(string corpus, string split) => File.ReadAllLines(Path.Combine(_dir, corpus, split + ".txt"));
        var train = Lines("big", "train").ToHashSet();
        Assert.DoesNotContain(Lines("small", "dev"), train.Contains);
        Assert.DoesNotContain(Lines("small", "test"), train.Contains);
        Assert.Subset(Lines("big", "dev").ToHashSet(), Lines("small", "dev").ToHashSet());
        Assert.Subset(Lines("big", "test").ToHashSet(), Lines("small", "test").ToHashSet());
        // The shares stay near 90/5/5.
        Assert.InRange(Lines("big", "dev").Length, 105, 115);
        Assert.Equal(2200, big.Lines);
        Assert.Equal(CorpusBuilder.HeldOutFile, big.HeldOutFrom.Single().File);
    }
}

public sealed class StoryTaggerTests
{
    [Fact]
    public void SpeechIsDialogueAcrossSentencesAndApostrophesDoNotCloseIt()
    {
        var tags = StoryTagger.TagParagraph([
            "The king’s son rode out.",
            "‘Hold fast,’ said the fox.",
            "“Do not stop.",
            "Ride on until night.”",
            "And so he did.",
        ]);

        Assert.Equal([StoryTokens.Action, StoryTokens.Dialogue, StoryTokens.Dialogue, StoryTokens.Dialogue, StoryTokens.Action], tags);
    }
}

public sealed class CorpusBuilderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tgg-corpus-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[] Inputs()
    {
        string book = Path.Combine(_dir, "book.txt");
        File.WriteAllText(book, string.Join("\n\n", Enumerable.Range(0, 120).Select(i => $"The traveller reached village {i}. \"Welcome, stranger {i}!\" said the elder.")) +
            "\n\nThe traveller reached village 3.");
        string quests = Path.Combine(_dir, "quests.tsv");
        File.WriteAllText(quests, "id\tcategory\tcontent\n1\tTopic\tBring me the silver key.\n2\tTopic\tFind my lost goat.\n");
        return [book, quests];
    }

    [Fact]
    public void TheSplitIsDeterministicNinetyFiveFiveAndTheManifestIsStable()
    {
        var inputs = Inputs();
        var first = CorpusBuilder.Build(inputs, Path.Combine(_dir, "a"), new CorpusSettings(Seed: 7));
        var second = CorpusBuilder.Build(inputs, Path.Combine(_dir, "b"), new CorpusSettings(Seed: 7));
        var other = CorpusBuilder.Build(inputs, Path.Combine(_dir, "c"), new CorpusSettings(Seed: 8));

        Assert.Equal(File.ReadAllText(Path.Combine(_dir, "a", "manifest.json")), File.ReadAllText(Path.Combine(_dir, "b", "manifest.json")));
        Assert.Equal(File.ReadAllText(Path.Combine(_dir, "a", "dev.txt")), File.ReadAllText(Path.Combine(_dir, "b", "dev.txt")));
        Assert.NotEqual(File.ReadAllText(Path.Combine(_dir, "a", "dev.txt")), File.ReadAllText(Path.Combine(_dir, "c", "dev.txt")));
        int lines = first.Lines;
        Assert.Equal(242, lines); // 240 sentences + 2 quest lines; the repeated sentence counted once
        Assert.Equal(lines * 90 / 100, first.Splits["train"].Lines);
        Assert.Equal(lines * 5 / 100, first.Splits["dev"].Lines);
        Assert.Equal(2, first.Splits.Values.Sum(s => s.Tags[StoryTokens.Quest]));
        Assert.All(first.Inputs, i => Assert.Equal(64, i.Sha256.Length));
    }

    [Fact]
    public void EveryLineIsTaggedAndEndsTheText()
    {
        CorpusBuilder.Build(Inputs(), _dir + "/out", new CorpusSettings());
        var all = CorpusBuilder.Splits.SelectMany(s => File.ReadAllLines(Path.Combine(_dir, "out", s + ".txt"))).ToList();

        Assert.All(all, l => Assert.EndsWith(StoryTokens.EndOfText, l));
        Assert.Contains(all, l => l == $"{StoryTokens.Dialogue}\"Welcome, stranger 5!\" said the elder.{StoryTokens.EndOfText}");
        Assert.Contains(all, l => l == $"{StoryTokens.Action}The traveller reached village 5.{StoryTokens.EndOfText}");
        Assert.Contains(all, l => l == $"{StoryTokens.Quest}Find my lost goat.{StoryTokens.EndOfText}");
    }

    [Fact]
    public void ABadSplitOrAnExportWithoutAContentColumnIsRefused()
    {
        string bad = Path.Combine(_dir, "bad.tsv");
        File.WriteAllText(bad, "id\ttext\n1\thello\n");

        Assert.Contains("adding up to 100", Assert.Throws<ArgumentException>(() => CorpusBuilder.Build(Inputs(), _dir, new CorpusSettings(TrainPercent: 80))).Message);
        Assert.Contains("'content' column", Assert.Throws<InvalidDataException>(() => CorpusBuilder.Build([bad], _dir, new CorpusSettings())).Message);
    }
}
