using Bunit;
using WebChat.Components.Chat;
using WebChat.Services.Markdown;

namespace WebChat.Tests.Unit.App.Services.Markdown;

public class StreamingMarkdownTests : BunitContext
{
    [Fact]
    public void Finished_blocks_are_rendered_once_while_only_the_tail_is_rendered_again()
    {
        var renderer = new CountingRenderer();
        var markdown = new StreamingMarkdown(renderer);
        markdown.Append("# Title\n\nFirst paragraph.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n");
        var cut = Render<MarkdownView>(ps => ps.Add(p => p.Document, markdown));
        markdown.Append("the ");
        cut.Render(ps => ps.Add(p => p.Document, markdown));
        renderer.Inputs.Clear();

        foreach (var word in "tail grows word by word".Split(' '))
        {
            markdown.Append(word + " ");
            cut.Render(ps => ps.Add(p => p.Document, markdown));
        }

        var views = cut.FindComponents<MarkdownBlockView>();
        Assert.Equal(4, views.Count);
        Assert.All(views.Take(3), finished => Assert.Equal(1, finished.RenderCount));
        Assert.True(views[3].RenderCount > 5, $"tail rendered {views[3].RenderCount} times");
        Assert.Equal(5, renderer.Inputs.Count);
        Assert.All(renderer.Inputs, input => Assert.StartsWith("the tail", input, StringComparison.Ordinal));
        Assert.Contains("the tail grows word by word", cut.Find("p:last-child").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blank_line_inside_a_code_fence_does_not_end_the_block()
    {
        var markdown = StreamingMarkdown.FromText(new SafeMarkdownRenderer(), "```js\nlet a = 1;\n\nlet b = 2;\n```\n\nAfter.\n");

        var block = Assert.Single(markdown.FinishedBlocks);
        Assert.Contains("let b = 2;", block.Html, StringComparison.Ordinal);
        Assert.Contains("After.", markdown.TailHtml, StringComparison.Ordinal);
    }

    [Fact]
    public void An_indented_continuation_after_a_blank_line_stays_in_its_list_item()
    {
        var markdown = StreamingMarkdown.FromText(new SafeMarkdownRenderer(), "1. step one\n\n   more about step one\n2. step two\n");

        Assert.Empty(markdown.FinishedBlocks);
        Assert.Contains("more about step one", markdown.TailHtml, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tail_is_not_rendered_again_until_the_text_changes()
    {
        var renderer = new CountingRenderer();
        var markdown = new StreamingMarkdown(renderer);
        markdown.Append("partial answer");

        _ = markdown.TailHtml;
        _ = markdown.TailHtml;
        markdown.Append(" and more");
        _ = markdown.TailHtml;

        Assert.Equal(["partial answer", "partial answer and more"], renderer.Inputs);
    }

    [Fact]
    public void Text_streamed_in_odd_chunks_renders_the_same_as_the_whole_text()
    {
        const string Text = "Intro line.\n\n```c\nint x;\n\nint y;\n```\n\n- a\n- b\n\n> quote\n\nEnd.";
        var whole = StreamingMarkdown.FromText(new SafeMarkdownRenderer(), Text);
        var streamed = new StreamingMarkdown(new SafeMarkdownRenderer());
        for (var i = 0; i < Text.Length; i += 3)
        {
            streamed.Append(Text.Substring(i, Math.Min(3, Text.Length - i)));
        }

        Assert.Equal(whole.FinishedBlocks.Select(b => b.Html), streamed.FinishedBlocks.Select(b => b.Html));
        Assert.Equal(whole.TailHtml, streamed.TailHtml);
        Assert.Equal(4, whole.FinishedBlocks.Count);
    }
}
