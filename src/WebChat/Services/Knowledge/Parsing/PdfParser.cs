using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Exceptions;

namespace WebChat.Services.Knowledge.Parsing;

/// <summary>PDF through PdfPig: text in content order, one block per paragraph, each with its 1-based page.</summary>
public sealed class PdfParser : IDocumentParser
{
    public ParsedDocument Parse(ReadOnlyMemory<byte> content, ParsingLimits limits)
    {
        try
        {
            using var pdf = PdfDocument.Open(content);
            if (pdf.NumberOfPages > limits.MaxPages)
            {
                throw new DocumentRejectedException($"This PDF has {pdf.NumberOfPages:N0} pages; at most {limits.MaxPages:N0} can be added.");
            }

            var blocks = new List<DocumentBlock>();
            for (var number = 1; number <= pdf.NumberOfPages; number++)
            {
                var text = ContentOrderTextExtractor.GetText(pdf.GetPage(number), addDoubleNewline: true);
                blocks.AddRange(PlainTextParser.Paragraphs(text).Select(p => new DocumentBlock(BlockKind.Paragraph, p, number)));
            }

            return new ParsedDocument(blocks, pdf.NumberOfPages);
        }
        catch (PdfDocumentEncryptedException e)
        {
            throw new DocumentRejectedException("This PDF is encrypted (password-protected). Remove the password and add it again.", e);
        }
        catch (Exception e) when (e is not DocumentRejectedException and not OutOfMemoryException)
        {
            // PdfPig throws several types (format, token, stream errors) for a damaged file; to the person they are one thing.
            throw new DocumentRejectedException("This PDF is damaged or not a PDF, so its text cannot be read.", e);
        }
    }
}
