using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace WebChat.Configuration;

/// <summary>The XML doc comments the compiler writes beside an assembly (GenerateDocumentationFile), read as plain text.</summary>
internal sealed partial class XmlDocumentation
{
    private readonly Dictionary<string, string> summaries = new(StringComparer.Ordinal);

    public static XmlDocumentation Load(IEnumerable<Assembly> assemblies)
    {
        var docs = new XmlDocumentation();
        foreach (var assembly in assemblies)
        {
            var path = Path.ChangeExtension(assembly.Location, ".xml");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path} is missing: the project must set GenerateDocumentationFile.", path);
            }

            foreach (var member in XDocument.Load(path).Descendants("member"))
            {
                if (member.Attribute("name")?.Value is { } name && member.Element("summary") is { } summary)
                {
                    docs.summaries[name] = PlainText(summary);
                }
            }
        }

        return docs;
    }

    /// <summary>The property's summary as one line of text, or empty when it has none.</summary>
    public string Summary(PropertyInfo property) =>
        summaries.GetValueOrDefault($"P:{property.DeclaringType!.FullName!.Replace('+', '.')}.{property.Name}", "");

    private static string PlainText(XElement summary)
    {
        var parts = summary.Nodes().Select(node => node switch
        {
            XText text => text.Value,
            XElement { Name.LocalName: "see" or "seealso" } see => see.Attribute("cref")?.Value is { } cref
                ? $"`{cref[(cref.LastIndexOf('.') + 1)..]}`"
                : see.Attribute("langword")?.Value is { } word ? $"`{word}`" : see.Value,
            XElement { Name.LocalName: "c" or "paramref" or "typeparamref" } code => $"`{code.Value}{code.Attribute("name")?.Value}`",
            XElement element => element.Value,
            _ => "",
        });
        return Whitespace().Replace(string.Concat(parts), " ").Trim();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
