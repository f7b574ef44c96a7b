using WebChat.Services.Markdown;

namespace WebChat.Tests.Unit.App.Services.Markdown;

/// <summary>The real renderer, recording every input it is asked to render.</summary>
internal sealed class CountingRenderer : IMarkdownRenderer
{
    private readonly SafeMarkdownRenderer _inner = new();

    public List<string> Inputs { get; } = [];

    public string ToHtml(string markdown)
    {
        lock (Inputs)
        {
            Inputs.Add(markdown);
        }

        return _inner.ToHtml(markdown);
    }
}
