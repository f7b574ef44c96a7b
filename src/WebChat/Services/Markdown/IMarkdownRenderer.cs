namespace WebChat.Services.Markdown;

/// <summary>Turns untrusted Markdown (model output, user text) into HTML that is safe to insert into the page.</summary>
public interface IMarkdownRenderer
{
    string ToHtml(string markdown);
}
