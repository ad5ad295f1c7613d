using System.Text.Json.Nodes;
using TextGameGen.Inference.Tokenization;
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

        Assert.Equal(first.ToJsonString(), second.ToJsonString());
        Assert.Equal(File.ReadAllText(Path.Combine(_dir, "a", "dev.txt")), File.ReadAllText(Path.Combine(_dir, "b", "dev.txt")));
        Assert.NotEqual(File.ReadAllText(Path.Combine(_dir, "a", "dev.txt")), File.ReadAllText(Path.Combine(_dir, "c", "dev.txt")));
        int lines = first["lines"]!.GetValue<int>();
        Assert.Equal(242, lines); // 240 sentences + 2 quest lines; the repeated sentence counted once
        Assert.Equal(lines * 90 / 100, first["splits"]!["train"]!["lines"]!.GetValue<int>());
        Assert.Equal(lines * 5 / 100, first["splits"]!["dev"]!["lines"]!.GetValue<int>());
        Assert.Equal(2, CorpusBuilder.Splits.Sum(s => first["splits"]![s]!["tags"]![StoryTokens.Quest]!.GetValue<int>()));
        Assert.All(first["inputs"]!.AsArray(), i => Assert.Equal(64, i!["sha256"]!.GetValue<string>().Length));
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
