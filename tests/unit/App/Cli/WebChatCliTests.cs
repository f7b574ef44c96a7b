using WebChat.Cli;

namespace WebChat.Tests.Unit.App.Cli;

public sealed class WebChatCliTests
{
    [Fact]
    public async Task No_subcommand_serves_the_app_and_passes_host_switches_through()
    {
        string[]? served = null;

        var exitCode = await WebChatCli.RunAsync(["--urls", "http://127.0.0.1:5099", "WebChat:AllowRegistration=false"], args =>
        {
            served = args;
            return Task.FromResult(7);
        });

        Assert.Equal(7, exitCode);
        Assert.Equal(["--urls", "http://127.0.0.1:5099", "WebChat:AllowRegistration=false"], served!);
    }

    [Fact]
    public async Task Help_describes_the_program_and_does_not_serve()
    {
        var served = false;
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        int exitCode;
        try
        {
            exitCode = await WebChatCli.RunAsync(["--help"], _ =>
            {
                served = true;
                return Task.FromResult(0);
            });
        }
        finally
        {
            Console.SetOut(original);
        }

        Assert.Equal(0, exitCode);
        Assert.False(served);
        Assert.Contains("self-hosted LLM chat portal", output.ToString(), StringComparison.Ordinal);
    }
}
