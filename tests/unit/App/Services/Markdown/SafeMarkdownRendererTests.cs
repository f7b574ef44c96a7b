using AngleSharp.Html.Parser;
using WebChat.Services.Markdown;

namespace WebChat.Tests.Unit.App.Services.Markdown;

public class SafeMarkdownRendererTests
{
    private readonly SafeMarkdownRenderer _renderer = new();

    [Fact]
    public void A_pipe_table_renders_as_an_html_table_with_header_and_cells()
    {
        var html = _renderer.ToHtml("| Model | Size |\n|---|---:|\n| tiny | 4 MB |\n| small | 400 MB |\n");

        var document = new HtmlParser().ParseDocument(html);
        Assert.Equal(["Model", "Size"], document.QuerySelectorAll("table thead th").Select(th => th.TextContent));
        Assert.Equal(4, document.QuerySelectorAll("table tbody td").Length);
    }

    [Fact]
    public void A_fenced_code_block_keeps_its_language_class_and_gets_a_copy_button()
    {
        var html = _renderer.ToHtml("```python\nprint('<hi>')\n```\n");

        var document = new HtmlParser().ParseDocument(html);
        var block = Assert.Single(document.QuerySelectorAll(".code-block"));
        Assert.NotNull(block.QuerySelector("button[data-copy-code]"));
        Assert.Equal("python", block.QuerySelector(".code-language")!.TextContent);
        var code = block.QuerySelector("pre code.language-python");
        Assert.NotNull(code);
        Assert.Equal("print('<hi>')\n", code!.TextContent);
    }

    [Fact]
    public void Task_lists_render_disabled_checkboxes()
    {
        var html = _renderer.ToHtml("- [x] done\n- [ ] todo\n");

        var boxes = new HtmlParser().ParseDocument(html).QuerySelectorAll("input[type=checkbox]");
        Assert.Equal(2, boxes.Length);
        Assert.All(boxes, box => Assert.True(box.HasAttribute("disabled")));
    }

    [Fact]
    public void Safe_links_open_in_a_new_tab_without_referrer()
    {
        var html = _renderer.ToHtml("[docs](https://example.org/a) and <https://example.org/b> and www.example.org");

        var links = new HtmlParser().ParseDocument(html).QuerySelectorAll("a");
        Assert.Equal(3, links.Length);
        Assert.All(links, a => Assert.Equal("noopener noreferrer", a.GetAttribute("rel")));
    }

    [Fact]
    public void Raw_html_is_shown_as_text_not_markup()
    {
        var html = _renderer.ToHtml("<b>bold</b>");

        var document = new HtmlParser().ParseDocument(html);
        Assert.Empty(document.QuerySelectorAll("b"));
        Assert.Contains("<b>bold</b>", document.Body!.TextContent, StringComparison.Ordinal);
    }
}
