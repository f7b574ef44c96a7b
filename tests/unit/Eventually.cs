namespace WebChat.Tests.Unit;

/// <summary>
/// The one wait of the unit tests: for a condition that background work (a download, a loop, a stream) makes true,
/// checked every few milliseconds, failing after a generous deadline. The poll only waits; it never orders events.
/// </summary>
internal static class Eventually
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static Task TrueAsync(Func<bool> condition, string? what = null) =>
        ValueAsync(() => Task.FromResult(condition()), met => met, _ => what ?? "the condition never came true");

    /// <summary>Reads a value until it meets the condition and returns it; the failure says what was read last.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> condition, Func<T, string> describe)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, describe(value));
            await Task.Delay(20);
        }
    }
}
