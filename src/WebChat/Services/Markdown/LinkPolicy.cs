using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace WebChat.Services.Markdown;

/// <summary>
/// Rewrites a parsed document so that only http, https and mailto links survive (images: http and https);
/// any other link becomes its plain text, any other image its alt text. An http(s) image from a host that is not
/// allowed becomes a link to it, so showing an answer makes no request to a host the admin did not allow.
/// </summary>
internal static class LinkPolicy
{
    private static readonly string[] LinkPrefixes = ["http://", "https://", "mailto:"];
    private static readonly string[] ImagePrefixes = ["http://", "https://"];

    public static void Apply(MarkdownDocument document, IReadOnlySet<string> allowedImageHosts)
    {
        // Materialise first: the loop edits the tree it walks.
        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            ApplyTo(link, allowedImageHosts);
        }

        foreach (var autolink in document.Descendants<AutolinkInline>().ToList())
        {
            ApplyTo(autolink);
        }
    }

    /// <summary>True when the URL starts with an allowed scheme; entity decoding is already done by the parser.</summary>
    public static bool IsAllowed(string? url, bool image)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return false;
        }

        // Browsers skip leading control characters and spaces before the scheme; so do we.
        var trimmed = url.AsSpan().TrimStart("\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\v\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f ");
        foreach (var prefix in image ? ImagePrefixes : LinkPrefixes)
        {
            if (trimmed.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && !ContainsControl(trimmed))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ContainsControl(ReadOnlySpan<char> url)
    {
        foreach (var c in url)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    private static void ApplyTo(LinkInline link, IReadOnlySet<string> allowedImageHosts)
    {
        if (link.IsImage && IsAllowed(link.Url, image: true) && !IsAllowedImageHost(link.Url, allowedImageHosts))
        {
            ShowAsLink(link);
            return;
        }

        if (!IsAllowed(link.Url, link.IsImage))
        {
            if (link.IsImage)
            {
                link.ReplaceBy(new LiteralInline(PlainText(link)), copyChildren: false);
            }
            else
            {
                Unwrap(link);
            }

            return;
        }

        if (!link.IsImage)
        {
            MarkExternal(link.GetAttributes());
        }
    }

    private static void ApplyTo(AutolinkInline autolink)
    {
        var url = autolink.IsEmail ? "mailto:" + autolink.Url : autolink.Url;
        if (!IsAllowed(url, image: false))
        {
            autolink.ReplaceBy(new LiteralInline(autolink.Url));
            return;
        }

        MarkExternal(autolink.GetAttributes());
    }

    private static bool IsAllowedImageHost(string? url, IReadOnlySet<string> allowedImageHosts) =>
        Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) && allowedImageHosts.Contains(uri.IdnHost);

    private static void ShowAsLink(LinkInline image)
    {
        image.IsImage = false;
        if (image.FirstChild is null)
        {
            image.AppendChild(new LiteralInline(image.Url ?? ""));
        }

        MarkExternal(image.GetAttributes());
    }

    private static void MarkExternal(HtmlAttributes attributes)
    {
        attributes.AddPropertyIfNotExist("rel", "noopener noreferrer");
        attributes.AddPropertyIfNotExist("target", "_blank");
    }

    private static void Unwrap(LinkInline link)
    {
        var children = link.ToList();
        foreach (var child in children)
        {
            child.Remove();
            link.InsertBefore(child);
        }

        link.Remove();
    }

    private static string PlainText(ContainerInline container)
    {
        var text = new System.Text.StringBuilder();
        foreach (var literal in container.Descendants<LiteralInline>())
        {
            text.Append(literal.Content.ToString());
        }

        return text.ToString();
    }
}
