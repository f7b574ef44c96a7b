using Microsoft.Playwright;

namespace WebChat.Bench.Engines;

/// <summary>What one answer on the chat page took, as the page saw it (ms since Enter); filled by Playwright from the page's object.</summary>
internal sealed class PageAnswer
{
    public double First { get; set; } = -1;
    public double Last { get; set; } = -1;
    public double Done { get; set; }
    public string Status { get; set; } = "";

    public bool Completed => Status == "Complete" && First >= 0;
}

/// <summary>Sends one question on the chat page (the input and Enter events typing makes) and times the answer in the DOM.</summary>
internal static class ChatPageStream
{
    // Resolves with the ms from Enter to the answer's first text, to its last text change and to its final status.
    private const string SendAndTime = """
        text => new Promise(resolve => {
          const list = document.querySelector("[data-testid=message-list]");
          const before = list.querySelectorAll("[data-testid=message]").length;
          const started = performance.now();
          let first = -1, last = -1, seen = "";
          const check = () => {
            const live = document.querySelector("[data-testid=live-answer]");
            // The queue chip is text too: the answer's text counts only while no chip shows.
            if (live && !live.querySelector("[data-testid=queue-position]")) {
              const now = live.textContent.trim();
              if (now.length > 0 && now !== seen) { last = performance.now() - started; if (first < 0) first = last; seen = now; }
            }
            const messages = list.querySelectorAll("[data-testid=message]");
            const m = messages[messages.length - 1];
            if (messages.length >= before + 2 && m.dataset.role === "Assistant" && m.dataset.status !== "Streaming") {
              observer.disconnect();
              resolve({ first, last, done: performance.now() - started, status: m.dataset.status });
            }
          };
          const observer = new MutationObserver(check);
          observer.observe(list, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["data-status"] });
          const composer = document.querySelector("textarea[data-enter-sends]");
          composer.value = text;
          composer.dispatchEvent(new Event("input", { bubbles: true }));
          composer.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
        })
        """;

    /// <summary>Opens a new conversation on the page.</summary>
    public static async Task NewChatAsync(IPage page)
    {
        await page.GetByTestId("new-chat").ClickAsync();
        await Assertions.Expect(page.GetByTestId("message")).ToHaveCountAsync(0);
    }

    public static Task<PageAnswer> SendAsync(IPage page, string text) => page.EvaluateAsync<PageAnswer>(SendAndTime, text);
}
