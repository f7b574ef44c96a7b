using WebChat.Services.Chat;

namespace WebChat.Tests.Unit.App.Services.Chat;

public class ReasoningSplitterTests
{
    [Theory]
    [InlineData("<think>Let me see.</think>\n\nIt is 4.")]
    [InlineData("<th|ink>Let me| see.</th|ink>|\n|\nIt is 4.")]
    [InlineData("\n<|t|h|i|n|k|>|Let me see.|<|/|think|>|\n\n|It is 4.")]
    public void Reasoning_at_the_start_is_split_from_the_answer_however_the_tags_are_cut(string deltasSeparatedByBars)
    {
        var (reasoning, answer) = Split("think", deltasSeparatedByBars.Split('|'));

        Assert.Equal(("Let me see.", "It is 4."), (reasoning, answer));
    }

    [Fact]
    public void Text_that_does_not_open_with_the_tag_is_all_answer_even_when_it_mentions_the_tag_later()
    {
        var (reasoning, answer) = Split("think", "Use ", "<think> tags like <think>this</think>.");

        Assert.Equal(("", "Use <think> tags like <think>this</think>."), (reasoning, answer));
    }

    [Fact]
    public void A_stream_that_ends_inside_the_reasoning_keeps_it_as_reasoning_and_a_half_tag_as_text()
    {
        var (reasoning, answer) = Split("think", "<think>still thinking</thi");

        Assert.Equal(("still thinking</thi", ""), (reasoning, answer));
    }

    [Fact]
    public void The_tag_is_configurable()
    {
        var (reasoning, answer) = Split("reasoning", "<reasoning>a</reasoning>b");

        Assert.Equal(("a", "b"), (reasoning, answer));
        Assert.Equal(("", "<think>a</think>b"), Split("reasoning", "<think>a</think>b"));
    }

    private static (string Reasoning, string Answer) Split(string tag, params string[] deltas)
    {
        var splitter = new ReasoningSplitter(tag);
        var pieces = deltas.SelectMany(splitter.Feed).ToList();
        pieces.AddRange(splitter.Flush());
        return (string.Concat(pieces.Where(p => p.IsReasoning).Select(p => p.Text)), string.Concat(pieces.Where(p => !p.IsReasoning).Select(p => p.Text)));
    }
}
