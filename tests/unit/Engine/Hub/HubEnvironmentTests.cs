using WebChat.Engine.Hub;

namespace WebChat.Tests.Unit.Engine.Hub;

public class HubEnvironmentTests
{
    [Fact]
    public void Without_configuration_the_endpoint_comes_from_HF_ENDPOINT_else_the_public_hub()
    {
        Assert.Equal("https://mirror.example/", new HubEnvironment(new HubOptions(), n => n == "HF_ENDPOINT" ? "https://mirror.example" : null).Endpoint.ToString());
        Assert.Equal("https://huggingface.co/", new HubEnvironment(new HubOptions(), _ => null).Endpoint.ToString());
    }

    [Fact]
    public void The_token_comes_from_configuration_then_HF_TOKEN_then_HUGGING_FACE_HUB_TOKEN()
    {
        var variables = new Dictionary<string, string> { ["HF_TOKEN"] = "from-hf-token", ["HUGGING_FACE_HUB_TOKEN"] = "from-legacy" };

        Assert.Equal("configured", new HubEnvironment(new HubOptions { Token = "configured" }, variables.GetValueOrDefault).Token);
        Assert.Equal("from-hf-token", new HubEnvironment(new HubOptions(), variables.GetValueOrDefault).Token);
        Assert.Equal("from-legacy", new HubEnvironment(new HubOptions(), n => n == "HUGGING_FACE_HUB_TOKEN" ? "from-legacy" : null).Token);
        Assert.Null(new HubEnvironment(new HubOptions(), _ => null).Token);
    }

    [Theory]
    [InlineData("https://huggingface.co/acme/x/resolve/main/a.gguf", true)]
    [InlineData("https://cdn-lfs.huggingface.co/repos/ab/cd", false)]
    [InlineData("http://huggingface.co/acme", false)]
    [InlineData("https://huggingface.co.evil.example/x", false)]
    public void Only_the_hubs_own_host_may_receive_the_token(string address, bool allowed) =>
        Assert.Equal(allowed, new HubEnvironment(new HubOptions(), _ => null).IsHubHost(new Uri(address)));
}
