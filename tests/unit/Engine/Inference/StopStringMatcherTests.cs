using WebChat.Engine.Inference;

namespace WebChat.Tests.Unit.Engine.Inference;

public sealed class StopStringMatcherTests
{
    [Fact]
    public void Text_that_might_start_a_stop_string_is_held_back_until_it_cannot()
    {
        var matcher = new StopStringMatcher(["</s>"]);

        Assert.Equal("Hi ", matcher.Append("Hi </"));
        Assert.Equal("</x", matcher.Append("x"));
        Assert.False(matcher.Stopped);
    }

    [Fact]
    public void A_stop_string_split_across_appends_stops_and_nothing_of_it_is_shown()
    {
        var matcher = new StopStringMatcher(["User:", "###"]);

        var shown = matcher.Append("Done.\nUs") + matcher.Append("er: more");

        Assert.Equal("Done.\n", shown);
        Assert.True(matcher.Stopped);
        Assert.Equal("", matcher.Append("ignored"));
        Assert.Equal("", matcher.Flush());
    }

    [Fact]
    public void Held_back_text_is_released_at_the_end()
    {
        var matcher = new StopStringMatcher(["STOP"]);

        Assert.Equal("go ", matcher.Append("go ST"));
        Assert.Equal("ST", matcher.Flush());
    }

    [Fact]
    public void Without_stop_strings_everything_passes_at_once()
    {
        var matcher = new StopStringMatcher([]);

        Assert.Equal("any text", matcher.Append("any text"));
    }
}
