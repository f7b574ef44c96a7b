namespace WebChat.Services.Knowledge.Parsing;

/// <summary>Picks the parser for a file by its extension and applies the size limit first; the one place that says which files can be added.</summary>
public static class DocumentParsers
{
    private static readonly HashSet<string> SourceExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".cs", ".razor", ".py", ".js", ".ts", ".tsx", ".jsx", ".java", ".kt", ".go", ".rs", ".c", ".h", ".cpp", ".hpp",
        ".rb", ".php", ".swift", ".sql", ".sh", ".ps1", ".json", ".yaml", ".yml", ".toml", ".ini", ".xml", ".css", ".scss",
    };

    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase) { ".txt", ".text", ".log", ".csv", ".tsv", ".rst" };

    /// <summary>What the file picker accepts, as a comma-separated list of extensions.</summary>
    public static string AcceptList { get; } = string.Join(',',
        new[] { ".pdf", ".docx", ".md", ".markdown", ".html", ".htm" }.Concat(TextExtensions).Concat(SourceExtensions));

    public static bool IsSupported(string fileName) => ParserFor(fileName) is not null;

    /// <summary>Parses <paramref name="content"/> as the type its name says; every refusal is a <see cref="DocumentRejectedException"/>.</summary>
    public static ParsedDocument Parse(string fileName, ReadOnlyMemory<byte> content, ParsingLimits limits)
    {
        if (content.Length > limits.MaxFileBytes)
        {
            throw new DocumentRejectedException(
                $"\"{fileName}\" is {content.Length / (1024.0 * 1024):0.#} MB; files up to {limits.MaxFileBytes / (1024.0 * 1024):0.#} MB can be added.");
        }

        var parser = ParserFor(fileName)
            ?? throw new DocumentRejectedException($"\"{fileName}\" is not a file type that can be added (PDF, Word .docx, Markdown, HTML, text or source code).");
        var parsed = parser.Parse(content, limits);
        return parsed.IsEmpty
            ? throw new DocumentRejectedException($"\"{fileName}\" has no text to read (a scanned PDF needs text recognition first).")
            : parsed;
    }

    private static IDocumentParser? ParserFor(string fileName)
    {
        var extension = Path.GetExtension(fileName);
        return extension.ToLowerInvariant() switch
        {
            ".pdf" => new PdfParser(),
            ".docx" => new DocxParser(),
            ".md" or ".markdown" => new MarkdownParser(),
            ".html" or ".htm" => new HtmlParser(),
            _ when TextExtensions.Contains(extension) => new PlainTextParser(),
            _ when SourceExtensions.Contains(extension) => new PlainTextParser(BlockKind.Code),
            _ => null,
        };
    }
}
