using Microsoft.Playwright;
using WebChat.Services;
using WebChat.Services.Nodes;
using WebChat.Tests.E2E.Infrastructure;
using WebChat.Tests.Support.Processes;

namespace WebChat.Tests.E2E.Nodes;

/// <summary>
/// Several nodes as the deploy guide sets them up: PostgreSQL, two WebChat processes, nginx in front, Chromium talking
/// to nginx only. A person's tab stays on its node; what one node does is seen on the other; a node killed mid-answer
/// leaves the person signed in on the other with the answer marked interrupted; the database restarting costs the
/// requests of that moment, said in words, and nothing else.
/// </summary>
[Collection(TwoNodeCollection.Name)]
public sealed class TwoNodeTests(TwoNodeFixture nodes)
{
    private static readonly PageWaitForURLOptions WithinFiveSeconds = new() { Timeout = 5_000 };

    [TwoNodeFact]
    public async Task A_person_registers_and_chats_through_nginx_and_the_conversation_written_on_node_1_is_listed_on_node_2()
    {
        var (page, email) = await RegisterAsync(node: 1);

        await ChatAsync(page, "Hello from node one", expectedMessages: 2);
        await Assertions.Expect(page.GetByTestId("message").Last).ToContainTextAsync("Once upon1 upon2");
        var conversation = ConversationOf(page);
        var other = await nodes.NewPageAsync(node: 2);
        await WebChatAppFixture.LogInAsync(other, email);
        var served = await other.GotoAsync($"chat/{conversation}");
        await WebChatAppFixture.WaitForInteractiveAsync(other);

        AssertServedBy(served, node: 2);
        await Assertions.Expect(other.GetByTestId("conversation-link")).ToHaveTextAsync(["Hello from node one"]);
        await Assertions.Expect(other.GetByTestId("message")).ToHaveCountAsync(2);
        await Assertions.Expect(other.GetByTestId("message").Last).ToContainTextAsync("upon30");
    }

    [TwoNodeFact]
    public async Task An_admin_on_node_2_disables_a_user_whose_tab_is_on_node_1_and_the_tab_loses_access_within_five_seconds()
    {
        var (user, email) = await RegisterAsync(node: 1);
        var admin = await nodes.NewPageAsync(node: 2);
        await WebChatAppFixture.LogInAsync(admin, nodes.AdminEmail);
        AssertServedBy(await admin.GotoAsync("admin/users"), node: 2);
        await WebChatAppFixture.WaitForInteractiveAsync(admin);

        await admin.GetByRole(AriaRole.Button, new() { Name = "Disable: " + email }).ClickAsync();

        await user.WaitForURLAsync("**/Account/Login**", WithinFiveSeconds);
        await user.GotoAsync("chat");
        await user.WaitForURLAsync("**/Account/Login?ReturnUrl=%2Fchat");
    }

    [TwoNodeFact]
    public async Task Requests_at_once_hold_across_both_nodes()
    {
        var (first, email) = await RegisterAsync(node: 1);
        var userId = await nodes.ScalarAsync<string>("SELECT \"Id\" FROM \"AspNetUsers\" WHERE \"NormalizedEmail\" = @email", ("email", email.ToUpperInvariant()));
        await nodes.ExecuteAsync("INSERT INTO \"UserQuotas\" (\"UserId\", \"ConcurrentRequests\") VALUES (@id, 1)", ("id", userId));
        var second = await nodes.NewPageAsync(node: 2);
        await WebChatAppFixture.LogInAsync(second, email);
        await WebChatAppFixture.WaitForInteractiveAsync(second);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        nodes.Engine.HoldAfterFirstToken = hold;
        try
        {
            await SendAsync(first, "A long answer on node one");
            await Assertions.Expect(first.GetByTestId("message").Last).ToContainTextAsync("Once");

            await SendAsync(second, "Another one on node two");

            await Assertions.Expect(second.GetByTestId("chat-error")).ToContainTextAsync("You already have 1 answer(s) being written");
            hold.SetResult();
            await Assertions.Expect(first.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Complete");
            // The place is given back just after the answer is stored.
            await Eventually.TrueAsync(async () => !await IsHeldAsync(NodeLockNames.RunningPlace(userId, 0)));
            await second.GetByTestId("chat-error").GetByRole(AriaRole.Button).ClickAsync();
            await ChatAsync(second, "Another one on node two", expectedMessages: 2);
        }
        finally
        {
            hold.TrySetResult();
            nodes.Engine.HoldAfterFirstToken = null;
        }
    }

    [TwoNodeFact]
    public async Task Node_1_killed_while_an_answer_streams_moves_the_browser_to_node_2_signed_in_with_its_history_and_the_answer_interrupted()
    {
        var (page, _) = await RegisterAsync(node: 1);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        nodes.Engine.HoldAfterFirstToken = hold;
        try
        {
            await SendAsync(page, "Tell me a story before the crash");
            var answer = page.GetByTestId("message").Last;
            await Assertions.Expect(answer).ToContainTextAsync("Once");
            await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "Streaming");
            var conversation = ConversationOf(page);

            await nodes.KillAsync(node: 1);

            // Blazor's reconnect reaches node 2 through nginx, which does not know the circuit: the page reloads there.
            await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "Stopped", new() { Timeout = 30_000 });
            await Assertions.Expect(answer.GetByTestId("message-notice")).ToContainTextAsync("Interrupted");
            Assert.EndsWith($"/chat/{conversation}", page.Url);
            await Assertions.Expect(page.GetByTestId("message").First).ToContainTextAsync("Tell me a story before the crash");
            AssertServedBy(await page.ReloadAsync(), node: 2);
            await Assertions.Expect(page.GetByTestId("message").Last.GetByTestId("message-notice")).ToContainTextAsync("Interrupted");
            Assert.Equal("Stopped", await nodes.ScalarAsync<string>("SELECT \"Status\" FROM \"Messages\" WHERE \"ConversationId\" = @id AND \"Role\" = 'Assistant'", ("id", conversation)));
        }
        finally
        {
            hold.TrySetResult();
            nodes.Engine.HoldAfterFirstToken = null;
            await nodes.StartNodeAsync(1);
        }
    }

    [TwoNodeFact]
    public async Task PostgreSQL_restarting_fails_the_requests_of_that_moment_in_words_and_both_nodes_recover_by_themselves()
    {
        var (first, firstEmail) = await RegisterAsync(node: 1);
        var (second, secondEmail) = await RegisterAsync(node: 2);
        await ChatAsync(first, "Before the restart", expectedMessages: 2);
        await ChatAsync(second, "Before the restart", expectedMessages: 2);

        await nodes.Cluster.PauseAsync();
        try
        {
            await SendAsync(first, "While the database is away");
            await SendAsync(second, "While the database is away");

            await Assertions.Expect(first.GetByTestId("chat-error")).ToHaveTextAsync(DatabaseOutage.Message);
            await Assertions.Expect(second.GetByTestId("chat-error")).ToHaveTextAsync(DatabaseOutage.Message);
            // Two more engine checks per node while the database is away: each has the open pages re-read their models.
            var listings = nodes.Engine.ModelListings;
            await Eventually.TrueAsync(() => Task.FromResult(nodes.Engine.ModelListings >= listings + 4));
            await ExpectNoErrorPageAsync(first);
            await ExpectNoErrorPageAsync(second);
        }
        finally
        {
            await nodes.Cluster.ResumeAsync();
        }

        foreach (var page in new[] { first, second })
        {
            await ExpectNoErrorPageAsync(page);
            await page.GetByTestId("chat-error").GetByRole(AriaRole.Button).ClickAsync();
            await ChatAsync(page, "After the restart", expectedMessages: 4);
        }

        foreach (var email in new[] { firstEmail, secondEmail })
        {
            Assert.Equal(0L, await nodes.ScalarAsync<long>(
                "SELECT count(*) FROM \"Messages\" m JOIN \"Conversations\" c ON c.\"Id\" = m.\"ConversationId\" JOIN \"AspNetUsers\" u ON u.\"Id\" = c.\"UserId\" " +
                "WHERE u.\"NormalizedEmail\" = @email AND m.\"Content\" = 'While the database is away'", ("email", email.ToUpperInvariant())));
            Assert.Equal(1L, await nodes.ScalarAsync<long>(
                "SELECT count(*) FROM \"Conversations\" c JOIN \"AspNetUsers\" u ON u.\"Id\" = c.\"UserId\" WHERE u.\"NormalizedEmail\" = @email", ("email", email.ToUpperInvariant())));
        }
    }

    private async Task<(IPage Page, string Email)> RegisterAsync(int node)
    {
        var page = await nodes.NewPageAsync(node);
        var email = WebChatAppFixture.UniqueEmail();
        await WebChatAppFixture.RegisterAsync(page, email);
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(Composer(page)).ToBeEnabledAsync();
        return (page, email);
    }

    private void AssertServedBy(IResponse? response, int node)
    {
        Assert.NotNull(response);
        // After a fail-over nginx lists every node it tried, the one that answered last.
        Assert.EndsWith(nodes.Address(node).Authority, response.Headers[Nginx.UpstreamHeader]);
    }

    // Blazor's "An unhandled error has occurred" bar: the circuit is dead. The nodes' failures go in the message.
    private async Task ExpectNoErrorPageAsync(IPage page) =>
        Assert.False(await page.Locator("#blazor-error-ui").IsVisibleAsync(),
            "an error page; the nodes logged:\n" + string.Join('\n', (nodes.OutputOf(1) + "\n" + nodes.OutputOf(2)).Split('\n')
                .Where(l => l.Contains("fail", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal) || l.StartsWith("      at ", StringComparison.Ordinal))
                .Take(80)));

    private async Task<bool> IsHeldAsync(string name) =>
        !await nodes.ScalarAsync<bool>("SELECT pg_try_advisory_xact_lock(@key)", ("key", PostgresNodeLocks.Key(name)));

    private static ILocator Composer(IPage page) => page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true });

    private static Guid ConversationOf(IPage page) => Guid.Parse(page.Url.Split('/').Last());

    private static async Task SendAsync(IPage page, string text)
    {
        await Composer(page).FillAsync(text);
        await Composer(page).PressAsync("Enter");
    }

    private static async Task ChatAsync(IPage page, string text, int expectedMessages)
    {
        await SendAsync(page, text);
        await WebChatAppFixture.WaitForChatAddressAsync(page);
        await Assertions.Expect(page.GetByTestId("message")).ToHaveCountAsync(expectedMessages);
        await Assertions.Expect(page.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Complete");
    }
}

[CollectionDefinition(Name)]
public sealed class TwoNodeCollection : ICollectionFixture<TwoNodeFixture>
{
    public const string Name = "Two nodes behind nginx";
}
