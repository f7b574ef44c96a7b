using System.CommandLine;

namespace WebChat.Cli;

/// <summary>The command line: with no subcommand the executable serves the web app.</summary>
internal static class WebChatCli
{
    public static Task<int> RunAsync(string[] args, Func<string[], Task<int>> serve)
    {
        var root = new RootCommand("WebChat: a self-hosted LLM chat portal for teams. With no command it serves the web app.")
        {
            // ASP.NET Core's own switches (--urls, --environment, Section:Key=value) pass through to the host.
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction((result, _) => serve(result.UnmatchedTokens.ToArray()));

        // Each command lives in its own file in this folder and adds itself here.
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(PullCommand.Create());
        root.Subcommands.Add(SearchCommand.Create());
        root.Subcommands.Add(NativeCheckCommand.Create());
        root.Subcommands.Add(NativeProbeCommand.Create());
        root.Subcommands.Add(ConfigReferenceCommand.Create());
        root.Subcommands.Add(DbCommand.Create());
        var parsed = root.Parse(args);
        return parsed.InvokeAsync(parsed.CommandResult.Command == root ? ServeInvocation : new InvocationConfiguration());
    }

    // The web host handles SIGTERM and Ctrl+C itself and needs its shutdown time (answers marked, the engine freed).
    // System.CommandLine's handler would end the process 2 s into that shutdown, and throws on a second signal.
    private static InvocationConfiguration ServeInvocation => new() { ProcessTerminationTimeout = null };
}
