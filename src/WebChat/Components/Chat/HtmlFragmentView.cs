using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace WebChat.Components.Chat;

/// <summary>
/// Renders the safe Markdown renderer's HTML as elements and text instead of one markup block. A markup block is
/// replaced whole on every change, so a growing paragraph or code block would be sent, parsed, styled and laid out
/// again in full for every token; as elements and text, Blazor sends only what changed, and text is cut into
/// pieces at fixed offsets, so a growing text updates only its last piece.
/// </summary>
public sealed class HtmlFragmentView : ComponentBase
{
    /// <summary>Longest piece of text in one text node.</summary>
    public const int TextPieceLength = 256;

    // What the Markdown renderer writes. Anything else is shown as inert text, never built: an element created
    // through the DOM, unlike one inserted as markup, would run a script.
    private static readonly HashSet<string> AllowedElements = new(StringComparer.Ordinal)
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "pre", "code", "div", "span",
        "em", "strong", "del", "ins", "mark", "sub", "sup", "a", "img", "br", "hr",
        "table", "thead", "tbody", "tr", "th", "td", "input", "button",
    };

    private readonly HtmlParser _parser = new();
    private IElement? _context;

    /// <summary>HTML produced by the safe Markdown renderer; never raw user text.</summary>
    [Parameter, EditorRequired] public string Html { get; set; } = "";

    /// <summary>Cuts text at fixed offsets into pieces of at most <see cref="TextPieceLength"/>: as text grows, all pieces but the last stay equal.</summary>
    public static IEnumerable<string> TextPieces(string text)
    {
        for (var start = 0; start < text.Length; start += TextPieceLength)
        {
            yield return text.Substring(start, Math.Min(TextPieceLength, text.Length - start));
        }
    }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        _context ??= _parser.ParseDocument("").Body!;
        foreach (var node in _parser.ParseFragment(Html, _context))
        {
            AddNode(builder, node);
        }
    }

    // Constant sequence numbers, as in a loop: Blazor diffs siblings by position.
    private static void AddNode(RenderTreeBuilder builder, INode node)
    {
        switch (node)
        {
            case IText text:
                AddText(builder, text.Data);
                break;
            case IElement element when AllowedElements.Contains(element.LocalName):
                builder.OpenElement(0, element.LocalName);
                foreach (var attribute in element.Attributes)
                {
                    if (!attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase))
                    {
                        builder.AddAttribute(1, attribute.Name, attribute.Value);
                    }
                }

                foreach (var child in element.ChildNodes)
                {
                    AddNode(builder, child);
                }

                builder.CloseElement();
                break;
            case IElement other:
                AddText(builder, other.TextContent);
                break;
        }
    }

    private static void AddText(RenderTreeBuilder builder, string text)
    {
        foreach (var piece in TextPieces(text))
        {
            builder.AddContent(2, piece);
        }
    }
}
