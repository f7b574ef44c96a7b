using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace WebChat.Services.Markdown;

/// <summary>
/// Markdig with tables, task lists, strikethrough and autolinks; raw HTML is disabled, link and image
/// URLs are filtered against a scheme allow-list in the syntax tree, images from hosts not allowed become links
/// (a reader's browser never calls a host it was not meant to), and code blocks get a copy button.
/// </summary>
public sealed class SafeMarkdownRenderer(IReadOnlyCollection<string> allowedImageHosts) : IMarkdownRenderer
{
    // Not UseAdvancedExtensions: it includes generic attributes ({onclick=...}) that would let text set attributes.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseTaskLists()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .DisableHtml()
        .Build();

    private readonly HashSet<string> imageHosts = new(allowedImageHosts, StringComparer.OrdinalIgnoreCase);

    /// <summary>A renderer that shows every image as a link.</summary>
    public SafeMarkdownRenderer()
        : this([])
    {
    }

    public string ToHtml(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var document = Markdig.Markdown.Parse(markdown, Pipeline);
        LinkPolicy.Apply(document, imageHosts);

        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        CopyableCodeBlockRenderer.Install(renderer);
        renderer.Render(document);
        writer.Flush();
        return writer.ToString();
    }
}
