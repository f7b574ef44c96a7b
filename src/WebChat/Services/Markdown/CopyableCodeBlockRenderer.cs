using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;

namespace WebChat.Services.Markdown;

/// <summary>
/// Wraps Markdig's code block output (which keeps the "language-x" class for the highlighter) in a frame
/// with the language name and a copy button; wwwroot/js/chat.js handles the button by event delegation.
/// </summary>
internal sealed class CopyableCodeBlockRenderer(CodeBlockRenderer inner) : HtmlObjectRenderer<CodeBlock>
{
    public static void Install(HtmlRenderer renderer)
    {
        var existing = renderer.ObjectRenderers.FindExact<CodeBlockRenderer>();
        if (existing is null)
        {
            return;
        }

        renderer.ObjectRenderers.Replace<CodeBlockRenderer>(new CopyableCodeBlockRenderer(existing));
    }

    protected override void Write(HtmlRenderer renderer, CodeBlock obj)
    {
        var language = (obj as FencedCodeBlock)?.Info;
        renderer.EnsureLine();
        renderer.Write("<div class=\"code-block\"><div class=\"code-toolbar\"><span class=\"code-language\">");
        renderer.WriteEscape(string.IsNullOrWhiteSpace(language) ? "text" : language);
        renderer.Write("</span><button type=\"button\" class=\"copy-code\" data-copy-code title=\"Copy code\">Copy</button></div>");
        ((IMarkdownObjectRenderer)inner).Write(renderer, obj);
        renderer.EnsureLine();
        renderer.WriteLine("</div>");
    }
}
