using WebChat.Cli;
using WebChat.Engine.Gguf;
using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Support.Models;

namespace WebChat.Tests.Unit.App.Cli;

public class SearchCommandTests
{
    [Fact]
    public async Task Search_prints_a_table_row_per_matching_model_with_its_recommended_file()
    {
        await using var hub = await FakeHubServer.StartAsync([
            new FakeHubRepo { Id = "acme/tiny-chat-GGUF", Tags = ["gguf", "conversational"], Downloads = 42, Files = [new("tiny-chat-Q8_0.gguf", await File.ReadAllBytesAsync(TestModels.TinyOfType(GgmlType.Q8_0)))] },
            new FakeHubRepo { Id = "acme/other-GGUF", Downloads = 7, Files = [new("other-Q8_0.gguf", await File.ReadAllBytesAsync(TestModels.TinyOfType(GgmlType.Q8_0)))] },
        ]);
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        int exitCode;
        try
        {
            exitCode = await WebChatCli.RunAsync(["search", "chat", "--task", "chat", $"--WebChat:Hub:Endpoint={hub.BaseAddress}"], _ => Task.FromResult(99));
        }
        finally
        {
            Console.SetOut(original);
        }

        Assert.Equal(0, exitCode);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("MODEL", StringComparison.Ordinal) || l.StartsWith("acme/", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains("tiny-chat-Q8_0.gguf", lines[1], StringComparison.Ordinal);
        Assert.Contains("llama", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains("acme/other-GGUF", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("800MB", 800L * 1024 * 1024)]
    [InlineData("5GiB", 5L * 1024 * 1024 * 1024)]
    [InlineData("1.5gb", 1536L * 1024 * 1024)]
    [InlineData("1024", 1024L)]
    public void File_sizes_are_read_in_binary_units(string text, long bytes) => Assert.Equal(bytes, SearchCommand.Bytes(text));
}
