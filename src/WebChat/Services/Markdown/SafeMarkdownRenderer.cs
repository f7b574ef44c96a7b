using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace WebChat.Services.Markdown;

/// <summary>
/// Markdig with tables, task lists, strikethrough and autolinks; raw HTML is disabled, link and image
/// URLs are filtered against a scheme allow-list in the syntax tree, and code blocks get a copy button.
/// </summary>
public sealed class SafeMarkdownRenderer : IMarkdownRenderer
{
    // Not UseAdvancedExtensions: it includes generic attributes ({onclick=...}) that would let text set attributes.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseTaskLists()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .DisableHtml()
        .Build();

    public string ToHtml(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var document = Markdig.Markdown.Parse(markdown, Pipeline);
        LinkPolicy.Apply(document);

        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        CopyableCodeBlockRenderer.Install(renderer);
        renderer.Render(document);
        writer.Flush();
        return writer.ToString();
    }
}
