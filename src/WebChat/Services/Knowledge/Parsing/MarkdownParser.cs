using Markdig;
using Markdig.Syntax;

namespace WebChat.Services.Knowledge.Parsing;

/// <summary>Markdown through Markdig's syntax tree: headings (with their level), paragraphs, lists, tables and code blocks, as written.</summary>
public sealed class MarkdownParser : IDocumentParser
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().Build();

    public ParsedDocument Parse(ReadOnlyMemory<byte> content, ParsingLimits limits)
    {
        var text = PlainTextParser.DecodeText(content.Span);
        var document = Markdig.Markdown.Parse(text, Pipeline);
        var blocks = new List<DocumentBlock>();
        foreach (var block in document)
        {
            var source = text.Substring(block.Span.Start, Math.Min(block.Span.Length, text.Length - block.Span.Start)).Trim();
            if (source.Length == 0)
            {
                continue;
            }

            blocks.Add(block switch
            {
                HeadingBlock heading => new DocumentBlock(BlockKind.Heading, source.TrimStart('#').Trim().TrimEnd('#').Trim(), Level: heading.Level),
                CodeBlock => new DocumentBlock(BlockKind.Code, source),
                _ => new DocumentBlock(BlockKind.Paragraph, source),
            });
        }

        return new ParsedDocument(blocks);
    }
}
