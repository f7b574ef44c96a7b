namespace WebChat.Services.Knowledge.Parsing;

/// <summary>Reads one file format into blocks; throws <see cref="DocumentRejectedException"/> for a file it cannot read.</summary>
public interface IDocumentParser
{
    ParsedDocument Parse(ReadOnlyMemory<byte> content, ParsingLimits limits);
}
