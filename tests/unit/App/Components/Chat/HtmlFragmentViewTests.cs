using Bunit;
using Microsoft.AspNetCore.Components.RenderTree;
using WebChat.Components.Chat;
using WebChat.Services.Markdown;

namespace WebChat.Tests.Unit.App.Components.Chat;

#pragma warning disable BL0006 // RenderTree types are what these tests inspect.
public class HtmlFragmentViewTests : BunitContext
{
    private static readonly SafeMarkdownRenderer Markdown = new();

    [Theory]
    [InlineData("A *paragraph* with **bold**, `code`, ~~struck~~ and a [link](https://example.com).")]
    [InlineData("- one\n- two\n  1. nested\n")]
    [InlineData("- [x] done\n- [ ] to do\n")]
    [InlineData("| a | b |\n|---|--:|\n| 1 | 2 |\n")]
    [InlineData("```csharp\nvar x = 1 < 2 && y > 3;\n```\n")]
    [InlineData("> quoted\n\n# Title\n\n---\n\nline<br>break &amp; entities &lt;tag&gt;")]
    public void Renders_the_same_page_as_the_markup_it_replaces(string markdown)
    {
        var html = Markdown.ToHtml(markdown);

        var cut = Render<HtmlFragmentView>(ps => ps.Add(p => p.Html, html));

        cut.MarkupMatches(html);
    }

    [Fact]
    public void A_growing_paragraph_updates_only_its_last_piece_of_text()
    {
        var recorder = new RenderEditRecorder();
        var text = string.Concat(Enumerable.Range(0, 120).Select(i => $"w{i} "));

        Render(recorder, $"<p>{text}</p>");
        Render(recorder, $"<p>{text}more</p>");

        var edit = Assert.Single(recorder.LastEdits);
        Assert.Equal(RenderTreeEditType.UpdateText, edit.Type);
        Assert.Equal(HtmlFragmentView.TextPieces(text + "more").Last(), edit.Content);
        Assert.True(edit.Content!.Length <= HtmlFragmentView.TextPieceLength);
    }

    [Fact]
    public void A_growing_code_block_changes_text_only()
    {
        var recorder = new RenderEditRecorder();
        var code = "```python\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"print({i})\n"));

        Render(recorder, Markdown.ToHtml(code));
        Render(recorder, Markdown.ToHtml(code + "print(40)\n"));

        Assert.NotEmpty(recorder.LastEdits);
        Assert.All(recorder.LastEdits, edit => Assert.Equal(RenderTreeFrameType.Text, edit.FrameType));
        Assert.True(recorder.LastEdits.Sum(e => e.Content?.Length ?? 0) <= 2 * HtmlFragmentView.TextPieceLength);
    }

    [Fact]
    public void Text_pieces_before_the_end_stay_the_same_as_text_grows()
    {
        var text = new string('x', 700);

        var before = HtmlFragmentView.TextPieces(text).ToList();
        var after = HtmlFragmentView.TextPieces(text + "yz").ToList();

        Assert.Equal(text, string.Concat(before));
        Assert.Equal(before[..^1], after[..^1]);
        Assert.All(after, piece => Assert.True(piece.Length <= HtmlFragmentView.TextPieceLength));
    }

    [Fact]
    public void Builds_no_element_that_could_run_script_even_from_unsafe_html()
    {
        // The Markdown renderer never writes these; if it ever did, elements built through the DOM would run.
        const string Unsafe = "<script>alert(1)</script><img src=\"x\" onerror=\"alert(1)\"><p onclick=\"alert(1)\">hi</p>"
            + "<iframe src=\"https://example.com\"></iframe><svg onload=\"alert(1)\"></svg><style>p{}</style>";

        var cut = Render<HtmlFragmentView>(ps => ps.Add(p => p.Html, Unsafe));

        Assert.Empty(cut.FindAll("script, iframe, svg, style"));
        Assert.DoesNotContain(cut.FindAll("*"), e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)));
        Assert.Contains("alert(1)", cut.Markup, StringComparison.Ordinal); // shown as text
        Assert.Equal("hi", cut.Find("p").TextContent);
    }

    private static void Render(RenderEditRecorder recorder, string html) =>
        recorder.RenderAsync<HtmlFragmentView>(new Dictionary<string, object?> { [nameof(HtmlFragmentView.Html)] = html }).GetAwaiter().GetResult();
}
#pragma warning restore BL0006
