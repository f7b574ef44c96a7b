using System.Globalization;

namespace WebChat.Bench.Memory;

/// <summary>This process's resident memory from /proc/self/status (Linux), in bytes.</summary>
internal static class ProcessMemory
{
    public static long Rss => Read("VmRSS");

    public static long RssAnonymous => Read("RssAnon");

    public static long RssFile => Read("RssFile");

    private static long Read(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var kilobytes = line[(field.Length + 1)..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new PlatformNotSupportedException($"/proc/self/status has no {field}: the memory benchmark needs Linux.");
    }
}
