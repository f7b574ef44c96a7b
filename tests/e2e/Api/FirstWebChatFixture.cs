using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Api;

/// <summary>
/// A first WebChat (Kestrel in the test process, Chromium) with no local engine, whose one remote engine is a second
/// WebChat running as its own process (<see cref="SecondWebChatProcess"/>). Health checks run every
/// <see cref="HealthInterval"/>, and a failing engine is checked again at that pace too, so down and back show fast.
/// </summary>
public sealed class FirstWebChatFixture : WebChatAppFixture, IAsyncLifetime
{
    public static readonly TimeSpan HealthInterval = TimeSpan.FromSeconds(1);

    public SecondWebChatProcess Second { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Engines:Local:Enabled"] = "false",
        ["Engines:Remote:0:Name"] = "second",
        ["Engines:Remote:0:BaseUrl"] = new Uri(Second.BaseAddress, "v1").ToString(),
        ["Engines:Remote:0:ApiKey"] = Second.ApiKey,
        ["Engines:HealthInterval"] = HealthInterval.ToString(),
        ["Engines:MaxHealthBackoff"] = HealthInterval.ToString(),
        ["Engines:Cooldown"] = HealthInterval.ToString(),
    };

    public new async Task InitializeAsync()
    {
        Second = await SecondWebChatProcess.StartAsync();
        await base.InitializeAsync();
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Second is not null)
        {
            await Second.DisposeAsync();
        }
    }
}
