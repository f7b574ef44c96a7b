using Bunit;
using WebChat.Components.Chat;
using WebChat.Data.Entities;
using WebChat.Services.Chat;
using WebChat.Services.Markdown;

namespace WebChat.Tests.Unit.App.Components.Chat;

public sealed class MessageItemTests : MudComponentTestContext
{
    [Fact]
    public void The_actions_of_a_users_message_are_named_and_explained_by_the_browsers_tooltip()
    {
        var item = Render<MessageItem>(p => p
            .Add(m => m.Message, Message(MessageRole.User))
            .Add(m => m.Renderer, new SafeMarkdownRenderer()));

        AssertAction(item, "Copy message", "Copy message");
        AssertAction(item, "Edit message", "Edit and resend");
        Assert.Empty(item.FindAll("[aria-label='Regenerate']"));
        Assert.Empty(item.FindAll(".mud-tooltip-root"));
    }

    [Fact]
    public void The_last_answer_offers_regenerate_with_a_tooltip_and_an_earlier_one_does_not()
    {
        var last = Render<MessageItem>(p => p
            .Add(m => m.Message, Message(MessageRole.Assistant))
            .Add(m => m.Renderer, new SafeMarkdownRenderer())
            .Add(m => m.IsLast, true));
        var earlier = Render<MessageItem>(p => p
            .Add(m => m.Message, Message(MessageRole.Assistant))
            .Add(m => m.Renderer, new SafeMarkdownRenderer()));

        AssertAction(last, "Regenerate", "Regenerate");
        Assert.Empty(earlier.FindAll("[aria-label='Regenerate']"));
    }

    [Fact]
    public void An_answers_sources_are_listed_by_number_with_file_and_page_and_each_opens_to_its_passage()
    {
        var answer = Message(MessageRole.Assistant) with
        {
            Citations = [new(1, Guid.NewGuid(), "report.pdf", 2, null, "Net profit was 4.2 million euros."), new(2, Guid.NewGuid(), "policy.docx", null, "Travel", "Trains in second class.")],
        };

        var item = Render<MessageItem>(p => p.Add(m => m.Message, answer).Add(m => m.Renderer, new SafeMarkdownRenderer()));

        Assert.Equal("Sources", item.Find("[data-testid=citations]").GetAttribute("aria-label"));
        Assert.Equal(["[1] report.pdf, page 2", "[2] policy.docx › Travel"], item.FindAll("[data-testid=citation] summary").Select(s => s.TextContent.Trim()));
        Assert.Equal("Net profit was 4.2 million euros.", item.FindAll("[data-testid=citation] details blockquote")[0].TextContent);
        Assert.Empty(Render<MessageItem>(p => p.Add(m => m.Message, Message(MessageRole.Assistant)).Add(m => m.Renderer, new SafeMarkdownRenderer())).FindAll("[data-testid=citations]"));
    }

    private static void AssertAction(IRenderedComponent<MessageItem> item, string name, string tooltip) =>
        Assert.Equal(tooltip, item.Find($"button[aria-label='{name}']").GetAttribute("title"));

    private static MessageView Message(MessageRole role) =>
        new(Guid.NewGuid(), 0, role, "Hello", MessageStatus.Complete, null, null, null, null, null, null, DateTime.UtcNow);
}
