using WebChat.Services.Markdown;

namespace WebChat.Tests.Unit.App.Security;

/// <summary>Markdown images from hosts the admin did not allow are links, so reading an answer calls no other host.</summary>
public sealed class MarkdownImageTests
{
    [Theory]
    [InlineData("![tracking pixel](https://attacker.example/p.png)", "tracking pixel")]
    [InlineData("![](http://attacker.example/p.png?who=me)", "http://attacker.example/p.png?who=me")]
    [InlineData("![x][ref]\n\n[ref]: https://attacker.example/r.png", "x")]
    public void An_image_from_another_host_becomes_a_link_to_it(string markdown, string linkText)
    {
        var html = new SafeMarkdownRenderer().ToHtml(markdown);

        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.Contains("href=\"http", html, StringComparison.Ordinal);
        Assert.Contains(">" + System.Net.WebUtility.HtmlEncode(linkText) + "</a>", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"noopener noreferrer\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void An_image_from_an_allowed_host_is_shown_and_others_are_not()
    {
        var renderer = new SafeMarkdownRenderer(["images.example.test"]);

        var html = renderer.ToHtml("![ok](https://IMAGES.example.test/a.png) ![no](https://images.example.test.attacker.example/a.png)");

        Assert.Contains("<img src=\"https://IMAGES.example.test/a.png\" alt=\"ok\"", html, StringComparison.Ordinal);
        Assert.Equal(2, html.Split("<img").Length);
        Assert.Contains("<a href=\"https://images.example.test.attacker.example/a.png\"", html, StringComparison.Ordinal);
    }
}
