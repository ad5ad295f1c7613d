using TextGameGen.WebFront.Input;

namespace TextGameGen.WebFront.Tests;

public sealed class PlayerInputTests
{
    [Theory]
    [InlineData("e\u0301", "é")]                                   // NFC
    [InlineData("a\u200Bb\u200Dc\uFEFF", "abc")]                   // zero-width
    [InlineData("left\u202Eright\u2066x\u2069", "leftrightx")]     // bidi overrides and isolates
    [InlineData("tag\U000E0041\U000E007F", "tag")]                 // tag characters
    [InlineData("bell\u0007 esc\u001B[31m", "bell esc[31m")]       // control characters
    [InlineData("  many \t\n spaces  ", "many spaces")]
    [InlineData("emoji 🐉 stays", "emoji 🐉 stays")]
    public void Text_is_cleaned_before_it_reaches_a_grain(string input, string expected) =>
        Assert.Equal(expected, PlayerInput.Normalize(input));

    [Fact]
    public void Unpaired_surrogates_are_dropped() => Assert.Equal("lone surrogate", PlayerInput.Normalize("lone \uD800 surrogate"));

    [Fact]
    public void Line_breaks_are_kept_where_allowed() =>
        Assert.Equal("one\ntwo", PlayerInput.Normalize("one \n\n two\u200B", keepLineBreaks: true));
}
