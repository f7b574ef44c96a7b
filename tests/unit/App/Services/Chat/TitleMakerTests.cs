using WebChat.Services.Chat;

namespace WebChat.Tests.Unit.App.Services.Chat;

public class TitleMakerTests
{
    [Theory]
    [InlineData("Hello there", "Hello there")]
    [InlineData("\n\n  # Heading question  \nbody", "Heading question")]
    [InlineData("```\ncode first\n```", "code first")]
    [InlineData("   ", TitleMaker.Fallback)]
    [InlineData("one two three four five six seven eight nine ten eleven twelve", "one two three four five six…")]
    public void A_title_is_the_first_meaningful_line_cut_at_a_word(string message, string title) =>
        Assert.Equal(title, TitleMaker.FromFirstMessage(message, 30));
}
