using System.Text;
using WebChat.Services.Knowledge.Parsing;
using WebChat.Tests.Support.Documents;

namespace WebChat.Tests.Unit.App.Services.Knowledge.Parsing;

public class DocumentParsersTests
{
    private static readonly ParsingLimits Limits = ParsingLimits.Default;

    [Fact]
    public void A_pdf_is_read_page_by_page_with_each_paragraph_on_its_page()
    {
        var pdf = TestDocuments.Pdf(
            ["The boiler room is on level one."],
            ["The valve code is ZX-4471.", "It is checked every Tuesday."]);

        var parsed = DocumentParsers.Parse("manual.pdf", pdf, Limits);

        Assert.Equal(2, parsed.PageCount);
        var valve = Assert.Single(parsed.Blocks, b => b.Text.Contains("ZX-4471", StringComparison.Ordinal));
        Assert.Equal(2, valve.Page);
        Assert.Equal(1, Assert.Single(parsed.Blocks, b => b.Text.Contains("boiler", StringComparison.Ordinal)).Page);
    }

    [Fact]
    public void A_damaged_pdf_is_refused_in_words()
    {
        var pdf = TestDocuments.Pdf(["Some text that will be cut off."]);

        var error = Assert.Throws<DocumentRejectedException>(() => DocumentParsers.Parse("broken.pdf", pdf.AsMemory(0, pdf.Length / 3), Limits));

        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_encrypted_pdf_is_refused_as_encrypted()
    {
        // A trailer that names an /Encrypt dictionary is what PdfPig reads as encryption.
        var pdf = Encoding.ASCII.GetString(TestDocuments.Pdf(["Secret figures."]));
        var trailer = pdf.LastIndexOf("trailer", StringComparison.Ordinal);
        var encrypted = pdf[..trailer] + pdf[trailer..].Replace("/Root", "/Encrypt << /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >> /ID [<01> <01>] /Root", StringComparison.Ordinal);

        var error = Assert.Throws<DocumentRejectedException>(() => DocumentParsers.Parse("secret.pdf", Encoding.ASCII.GetBytes(encrypted), Limits));

        Assert.Contains("encrypted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_docx_keeps_its_headings_and_paragraphs_in_order()
    {
        var docx = TestDocuments.Docx(("Heading1", "Maintenance"), (null, "Pumps are serviced in March."), ("Heading2", "Filters"), (null, "Filters last 90 days."));

        var parsed = DocumentParsers.Parse("plan.docx", docx, Limits);

        Assert.Equal(
            [(BlockKind.Heading, "Maintenance", 1), (BlockKind.Paragraph, "Pumps are serviced in March.", 0), (BlockKind.Heading, "Filters", 2), (BlockKind.Paragraph, "Filters last 90 days.", 0)],
            parsed.Blocks.Select(b => (b.Kind, b.Text, b.Level)));
    }

    [Fact]
    public void A_docx_that_expands_too_far_is_refused_before_it_is_opened()
    {
        var bomb = TestDocuments.ZipBomb(expandedBytes: 64L * 1024 * 1024);
        Assert.True(bomb.Length < 1024 * 1024, "the bomb itself is small");

        var error = Assert.Throws<DocumentRejectedException>(() =>
            DocumentParsers.Parse("bomb.docx", bomb, Limits with { MaxExpandedBytes = 16L * 1024 * 1024 }));

        Assert.Contains("expands to more than 16 MB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_old_or_password_protected_word_file_is_refused_in_words()
    {
        byte[] compound = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0];

        var error = Assert.Throws<DocumentRejectedException>(() => DocumentParsers.Parse("locked.docx", compound, Limits));

        Assert.Contains("encrypted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_over_the_size_limit_is_refused_with_both_sizes()
    {
        var error = Assert.Throws<DocumentRejectedException>(() =>
            DocumentParsers.Parse("big.txt", new byte[3 * 1024 * 1024], Limits with { MaxFileBytes = 2 * 1024 * 1024 }));

        Assert.Equal("\"big.txt\" is 3 MB; files up to 2 MB can be added.", error.Message);
    }

    [Fact]
    public void Markdown_headings_become_headings_with_their_level_and_code_stays_code()
    {
        var markdown = "# Guide\n\nIntro text.\n\n## Install\n\n```\ndotnet run\n```\n";

        var parsed = DocumentParsers.Parse("guide.md", Encoding.UTF8.GetBytes(markdown), Limits);

        Assert.Equal(
            [(BlockKind.Heading, "Guide", 1), (BlockKind.Paragraph, "Intro text.", 0), (BlockKind.Heading, "Install", 2), (BlockKind.Code, "```\ndotnet run\n```", 0)],
            parsed.Blocks.Select(b => (b.Kind, b.Text, b.Level)));
    }

    [Fact]
    public void Html_is_read_without_scripts_and_a_paragraph_inside_a_list_item_is_read_once()
    {
        var html = "<html><head><style>p{}</style></head><body><h2>Team</h2><script>alert(1)</script><ul><li><p>Ana leads QA.</p></li></ul></body></html>";

        var parsed = DocumentParsers.Parse("team.html", Encoding.UTF8.GetBytes(html), Limits);

        Assert.Equal([(BlockKind.Heading, "Team"), (BlockKind.Paragraph, "Ana leads QA.")], parsed.Blocks.Select(b => (b.Kind, b.Text)));
    }

    [Fact]
    public void A_binary_file_named_as_text_is_refused()
    {
        var error = Assert.Throws<DocumentRejectedException>(() => DocumentParsers.Parse("data.txt", new byte[] { 1, 0, 2 }, Limits));

        Assert.Contains("binary", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_file_type_is_refused_with_the_types_that_work()
    {
        var error = Assert.Throws<DocumentRejectedException>(() => DocumentParsers.Parse("movie.mp4", new byte[] { 1 }, Limits));

        Assert.Contains("PDF, Word .docx, Markdown", error.Message, StringComparison.Ordinal);
    }
}
