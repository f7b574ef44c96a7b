using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace WebChat.Services.Knowledge.Parsing;

/// <summary>HTML through AngleSharp: headings, paragraphs, list items, cells and preformatted text in document order; scripts and styles dropped.</summary>
public sealed class HtmlParser : IDocumentParser
{
    private const string BlockSelector = "h1,h2,h3,h4,h5,h6,p,li,pre,blockquote,td,th,dt,dd,figcaption";

    public ParsedDocument Parse(ReadOnlyMemory<byte> content, ParsingLimits limits)
    {
        var text = PlainTextParser.DecodeText(content.Span);
        using var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(text);
        foreach (var hidden in document.QuerySelectorAll("script,style,noscript,template").ToList())
        {
            hidden.Remove();
        }

        var root = (IElement?)document.Body ?? document.DocumentElement;
        var blocks = new List<DocumentBlock>();
        foreach (var element in root.QuerySelectorAll(BlockSelector))
        {
            // A paragraph inside a list item or a cell is read once, with its outermost block.
            if (element.Ancestors<IElement>().Any(a => a.Matches(BlockSelector)))
            {
                continue;
            }

            var value = Collapse(element.TextContent);
            if (value.Length == 0)
            {
                continue;
            }

            blocks.Add(element.LocalName switch
            {
                ['h', var digit] when char.IsAsciiDigit(digit) => new DocumentBlock(BlockKind.Heading, value, Level: digit - '0'),
                "pre" => new DocumentBlock(BlockKind.Code, element.TextContent.Trim()),
                _ => new DocumentBlock(BlockKind.Paragraph, value),
            });
        }

        if (blocks.Count == 0 && Collapse(root.TextContent) is { Length: > 0 } loose)
        {
            blocks.Add(new DocumentBlock(BlockKind.Paragraph, loose));
        }

        return new ParsedDocument(blocks);
    }

    private static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
