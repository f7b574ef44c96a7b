using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace WebChat.Services.Knowledge.Parsing;

/// <summary>DOCX through the Open XML SDK: paragraphs in body order, heading styles as headings, table rows as lines.</summary>
public sealed class DocxParser : IDocumentParser
{
    // Office writes a password-protected document as an OLE compound file, not as a ZIP.
    private static readonly byte[] CompoundFileMagic = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    public ParsedDocument Parse(ReadOnlyMemory<byte> content, ParsingLimits limits)
    {
        if (content.Span.StartsWith(CompoundFileMagic))
        {
            throw new DocumentRejectedException("This Word file is encrypted (password-protected) or in the old .doc format. Save it as an unprotected .docx and add it again.");
        }

        ArchiveGuard.Check(content, limits.MaxExpandedBytes, "Word file");
        try
        {
            using var stream = new MemoryStream(content.ToArray(), writable: false);
            using var word = WordprocessingDocument.Open(stream, isEditable: false);
            var body = word.MainDocumentPart?.Document?.Body
                ?? throw new DocumentRejectedException("This Word file has no document body.");
            var blocks = new List<DocumentBlock>();
            foreach (var element in body.ChildElements)
            {
                switch (element)
                {
                    case Paragraph paragraph when paragraph.InnerText.Trim() is { Length: > 0 } text:
                        blocks.Add(HeadingLevel(paragraph) is { } level
                            ? new DocumentBlock(BlockKind.Heading, text, Level: level)
                            : new DocumentBlock(BlockKind.Paragraph, text));
                        break;
                    case Table table:
                        var rows = table.Elements<TableRow>()
                            .Select(row => string.Join(" | ", row.Elements<TableCell>().Select(c => c.InnerText.Trim())))
                            .Where(row => row.Trim('|', ' ').Length > 0);
                        var joined = string.Join('\n', rows);
                        if (joined.Length > 0)
                        {
                            blocks.Add(new DocumentBlock(BlockKind.Paragraph, joined));
                        }

                        break;
                }
            }

            return new ParsedDocument(blocks);
        }
        catch (Exception e) when (e is not DocumentRejectedException and not OutOfMemoryException)
        {
            throw new DocumentRejectedException("This Word file is damaged or not a .docx, so its text cannot be read.", e);
        }
    }

    /// <summary>"Heading1".."Heading9" and "Title" styles (style ids as Word writes them) are headings.</summary>
    private static int? HeadingLevel(Paragraph paragraph)
    {
        var style = paragraph.ParagraphProperties?.ParagraphStyleId?.Val?.Value;
        if (style is null)
        {
            return null;
        }

        if (style.Equals("Title", StringComparison.OrdinalIgnoreCase))
        {
            return 1;
        }

        return style.StartsWith("Heading", StringComparison.OrdinalIgnoreCase) && int.TryParse(style.AsSpan(7), out var level) ? level : null;
    }
}
