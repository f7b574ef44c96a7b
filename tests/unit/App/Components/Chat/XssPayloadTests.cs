using AngleSharp.Dom;
using Bunit;
using WebChat.Components.Chat;
using WebChat.Services.Markdown;

namespace WebChat.Tests.Unit.App.Components.Chat;

public class XssPayloadTests : BunitContext
{
    public static TheoryData<string> Payloads() => new()
    {
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)></svg>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](&#106;avascript:alert(1))",
        "[click](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1))",
        "[click](%20javascript:alert(1))",
        "<javascript:alert(1)>",
        "![x](javascript:alert(1))",
        "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "[a](https://ok.example \"x\\\" onmouseover=\\\"alert(1)\")",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<div onclick=\"alert(1)\">hi</div>",
        "```\"><script>alert(1)</script>\ncode\n```",
        "[ref]\n\n[ref]: javascript:alert(1)",
        "*emphasis*{onclick=alert(1)}\n\n<details open ontoggle=alert(1)>",
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public void A_payload_renders_inert(string payload) => AssertInert(payload, live: false);

    [Theory]
    [MemberData(nameof(Payloads))]
    public void A_payload_renders_inert_in_an_answer_being_written(string payload) => AssertInert(payload, live: true);

    private void AssertInert(string payload, bool live)
    {
        var markdown = StreamingMarkdown.FromText(new SafeMarkdownRenderer(), payload);

        var cut = Render<MarkdownView>(ps => ps.Add(p => p.Document, markdown).Add(p => p.Live, live));

        var elements = cut.FindAll("*");
        Assert.Empty(cut.FindAll("script, iframe, svg, object, embed, details"));
        Assert.DoesNotContain(elements, e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)));
        Assert.DoesNotContain(elements, e => UrlAttributes(e).Any(IsDangerous));
    }

    private static readonly string[] UrlAttributeNames = ["href", "src", "action", "formaction", "xlink:href"];

    private static IEnumerable<string> UrlAttributes(IElement element) =>
        UrlAttributeNames
            .Select(element.GetAttribute)
            .OfType<string>();

    private static bool IsDangerous(string url)
    {
        var compact = new string(url.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray());
        return !(compact.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || compact.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || compact.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase));
    }
}
