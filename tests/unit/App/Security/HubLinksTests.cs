using WebChat.Services.Models;

namespace WebChat.Tests.Unit.App.Security;

public sealed class HubLinksTests
{
    private static readonly Uri Hub = new("https://huggingface.co/");

    [Theory]
    [InlineData("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF")]
    [InlineData("bartowski/Llama-3.2-1B_Instruct.v2", "https://huggingface.co/bartowski/Llama-3.2-1B_Instruct.v2")]
    public void A_plain_repository_id_links_to_its_page_on_the_hub(string id, string expected) =>
        Assert.Equal(new Uri(expected), HubLinks.ModelPage(Hub, id));

    [Theory]
    [InlineData("//evil.example/x")]
    [InlineData("https://evil.example/x")]
    [InlineData("javascript:alert(1)")]
    [InlineData("../../admin/users")]
    [InlineData("owner/../x")]
    [InlineData("owner/name/extra")]
    [InlineData("owner")]
    [InlineData("owner/name?x=1")]
    [InlineData("owner/na me")]
    [InlineData("")]
    public void Anything_else_from_the_hub_gets_no_link(string id) => Assert.Null(HubLinks.ModelPage(Hub, id));

    [Fact]
    public void A_hub_address_that_is_not_http_gets_no_link() =>
        Assert.Null(HubLinks.ModelPage(new Uri("file:///etc/"), "owner/name"));
}
