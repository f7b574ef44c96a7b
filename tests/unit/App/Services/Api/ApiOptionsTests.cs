using WebChat.Services.Api;

namespace WebChat.Tests.Unit.App.Services.Api;

public sealed class ApiOptionsTests
{
    [Fact]
    public void By_default_each_user_has_a_prompt_cache_scope_of_their_own()
    {
        var options = new ApiOptions();

        Assert.NotEqual(options.CacheScopeOf("alice"), options.CacheScopeOf("bob"));
        Assert.Equal(options.CacheScopeOf("alice"), options.CacheScopeOf("alice"));
    }

    [Fact]
    public void Sharing_across_users_puts_every_user_in_one_scope()
    {
        var options = new ApiOptions { SharePromptCacheAcrossUsers = true };

        Assert.Equal(options.CacheScopeOf("alice"), options.CacheScopeOf("bob"));
    }
}
