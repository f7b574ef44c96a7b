namespace WebChat.Tests.E2E.Infrastructure;

/// <summary>Waits for what background work (a finishing request, a usage record) makes true, failing after a generous deadline.</summary>
internal static class Eventually
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static async Task TrueAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition never came true");
            await Task.Delay(20);
        }
    }

    public static async Task<T> ValueAsync<T>(Func<Task<T?>> read)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            if (await read() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "the value never appeared");
            await Task.Delay(20);
        }
    }
}
