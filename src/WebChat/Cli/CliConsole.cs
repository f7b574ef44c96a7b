using Spectre.Console;

namespace WebChat.Cli;

/// <summary>
/// Where the command line writes: Spectre.Console's live bars and tables on a terminal, plain lines where the stream is
/// redirected (a file, a pipe, a CI log) or the terminal cannot move the cursor (TERM=dumb). NO_COLOR turns colour off.
/// </summary>
internal sealed class CliConsole
{
    private CliConsole(IAnsiConsole console, TextWriter writer, bool isLive)
    {
        Ansi = console;
        Writer = writer;
        IsLive = isLive;
    }

    /// <summary>Spectre's console for the stream; only for live displays and tables when <see cref="IsLive"/>.</summary>
    public IAnsiConsole Ansi { get; }

    /// <summary>The stream itself, for plain lines.</summary>
    public TextWriter Writer { get; }

    /// <summary>True on a terminal that can redraw: progress bars and tables; false: one plain line per event.</summary>
    public bool IsLive { get; }

    /// <summary>Standard output: what a command reports.</summary>
    public static CliConsole Out() => For(Console.Out, Console.IsOutputRedirected);

    /// <summary>Standard error: progress beside output that another program may read (`run` streams its answer to stdout).</summary>
    public static CliConsole Error() => For(Console.Error, Console.IsErrorRedirected);

    private static CliConsole For(TextWriter writer, bool redirected)
    {
        var dumb = string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);
        var plain = redirected || dumb;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect, // Spectre.Console reads NO_COLOR here.
            Interactive = plain ? InteractionSupport.No : InteractionSupport.Detect,
        });
        return new CliConsole(console, writer, !plain && console.Profile.Capabilities.Ansi && console.Profile.Capabilities.Interactive);
    }
}
