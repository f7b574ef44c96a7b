using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace WebChat.Tests.Support.Documents;

/// <summary>Real PDF and DOCX files written in the test (PdfPig's builder, the Open XML SDK), so no binary fixture is committed.</summary>
public static class TestDocuments
{
    /// <summary>A PDF with one page per entry; each paragraph of a page is one line of Helvetica, spaced apart.</summary>
    public static byte[] Pdf(params string[][] pages)
    {
        using var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var paragraphs in pages)
        {
            var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
            var y = 780.0;
            foreach (var paragraph in paragraphs)
            {
                page.AddText(paragraph, 10, new PdfPoint(30, y), font);
                y -= 40;
            }
        }

        return builder.Build();
    }

    /// <summary>A DOCX from (style, text) pairs; style "Heading1".."Heading3" or null for a body paragraph.</summary>
    public static byte[] Docx(params (string? Style, string Text)[] paragraphs)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var body = new Body();
            foreach (var (style, text) in paragraphs)
            {
                var paragraph = new Paragraph();
                if (style is not null)
                {
                    paragraph.Append(new ParagraphProperties(new ParagraphStyleId { Val = style }));
                }

                paragraph.Append(new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
                body.Append(paragraph);
            }

            main.Document = new Document(body);
        }

        return stream.ToArray();
    }

    /// <summary>A ZIP named like a DOCX whose one entry inflates to <paramref name="expandedBytes"/> zero bytes.</summary>
    public static byte[] ZipBomb(long expandedBytes)
    {
        using var stream = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = archive.CreateEntry("word/document.xml", System.IO.Compression.CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (long written = 0; written < expandedBytes; written += zeros.Length)
            {
                entry.Write(zeros);
            }
        }

        return stream.ToArray();
    }
}
