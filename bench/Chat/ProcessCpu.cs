using System.Globalization;
using System.Text.RegularExpressions;

namespace WebChat.Bench.Chat;

/// <summary>
/// CPU time used so far by the processes a chat benchmark runs on (Linux /proc): this process (the app and the
/// bench), Chromium's processes by kind (renderer, gpu-process, utility, browser) and Playwright's driver.
/// Two snapshots subtracted say where the cores went during a phase.
/// </summary>
internal static partial class ProcessCpu
{
    public const string Server = "app (this process)";

    /// <summary>Milliseconds of CPU (user + system) per process kind; empty where /proc is missing.</summary>
    public static Dictionary<string, double> Snapshot()
    {
        var totals = new Dictionary<string, double>();
        if (!Directory.Exists("/proc"))
        {
            return totals;
        }

        var self = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var pid = Path.GetFileName(directory);
            if (!pid.All(char.IsAsciiDigit) || TryRead(directory) is not { } process)
            {
                continue;
            }

            var kind = pid == self ? Server : KindOf(process.CommandLine);
            if (kind is not null)
            {
                totals[kind] = totals.GetValueOrDefault(kind) + process.CpuMs;
            }
        }

        return totals;
    }

    public static Dictionary<string, double> Since(Dictionary<string, double> before) =>
        Snapshot().ToDictionary(p => p.Key, p => p.Value - before.GetValueOrDefault(p.Key));

    private static string? KindOf(string commandLine)
    {
        if (commandLine.Contains("chromium", StringComparison.Ordinal) || commandLine.Contains("chrome", StringComparison.Ordinal))
        {
            var type = ChromiumType().Match(commandLine);
            return "Chromium " + (type.Success ? type.Groups[1].Value : "browser");
        }

        return commandLine.Contains("playwright", StringComparison.OrdinalIgnoreCase) ? "Playwright driver" : null;
    }

    private static (string CommandLine, double CpuMs)? TryRead(string directory)
    {
        try
        {
            var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
            var stat = File.ReadAllText(Path.Combine(directory, "stat"));
            // Fields after the command name, which may itself hold spaces: utime and stime are the 12th and 13th.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return (commandLine, ticks * 10.0); // USER_HZ is 100 on Linux.
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null; // The process ended between listing and reading.
        }
    }

    [GeneratedRegex("--type=([a-z-]+)")]
    private static partial Regex ChromiumType();
}
