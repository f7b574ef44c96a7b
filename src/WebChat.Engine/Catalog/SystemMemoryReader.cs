using System.Globalization;

namespace WebChat.Engine.Catalog;

/// <summary>
/// Reads RAM from /proc/meminfo (MemAvailable) capped by the cgroup v2 or v1 memory limit when one is set,
/// and GPU memory from an <see cref="IGpuMemoryProbe"/>. Off Linux it falls back to the GC's view of physical memory.
/// </summary>
public sealed class SystemMemoryReader(IGpuMemoryProbe gpuProbe, string procRoot = "/proc", string cgroupRoot = "/sys/fs/cgroup") : IMachineMemoryReader
{
    // cgroup v1 reports "no limit" as a huge page-aligned number rather than "max".
    private const long UnlimitedThreshold = long.MaxValue / 2;

    public SystemMemoryReader()
        : this(new NoGpuMemoryProbe())
    {
    }

    public MachineMemory Read()
    {
        var (total, available) = ReadMeminfo() ?? ReadFromGc();
        if (ReadCgroupRoom() is { } cgroup)
        {
            total = Math.Min(total, cgroup.Limit);
            available = Math.Min(available, cgroup.Room);
        }

        return new MachineMemory(total, Math.Max(0, available), gpuProbe.Probe());
    }

    private (long Total, long Available)? ReadMeminfo()
    {
        var path = Path.Combine(procRoot, "meminfo");
        if (!File.Exists(path))
        {
            return null;
        }

        var fields = ReadKeyValues(path, ':');
        return fields.TryGetValue("MemTotal", out var total) && fields.TryGetValue("MemAvailable", out var available)
            ? (total * 1024, available * 1024)
            : null;
    }

    private static (long Total, long Available) ReadFromGc()
    {
        var info = GC.GetGCMemoryInfo();
        return (info.TotalAvailableMemoryBytes, info.TotalAvailableMemoryBytes - info.MemoryLoadBytes);
    }

    /// <summary>The tightest limit among this process's cgroup and its ancestors, and the room left under it.</summary>
    private (long Limit, long Room)? ReadCgroupRoom()
    {
        (long Limit, long Room)? tightest = null;
        foreach (var directory in CgroupDirectories())
        {
            if (ReadLimit(directory) is not { } limit)
            {
                continue;
            }

            var room = limit - ReadUsage(directory);
            if (tightest is null || room < tightest.Value.Room)
            {
                tightest = (limit, room);
            }
        }

        return tightest;
    }

    /// <summary>This process's cgroup directories and their ancestors: v2 (unified) and v1's memory hierarchy.</summary>
    private IEnumerable<string> CgroupDirectories()
    {
        var lines = ReadOwnCgroupLines();
        var unified = lines.FirstOrDefault(line => line.StartsWith("0::", StringComparison.Ordinal))?[3..];
        var memory = lines.Select(line => line.Split(':', 3)).FirstOrDefault(parts => parts.Length == 3 && parts[1].Split(',').Contains("memory"))?[2];
        return Chain(cgroupRoot, unified).Concat(Chain(Path.Combine(cgroupRoot, "memory"), memory)).Distinct();
    }

    /// <summary>root/relative, then each parent up to root. Inside a container the relative path may not exist; root still counts.</summary>
    private static IEnumerable<string> Chain(string root, string? relative)
    {
        var directory = Path.Combine(root, (relative ?? "").TrimStart('/')).TrimEnd('/');
        while (directory.Length > root.Length && directory.StartsWith(root, StringComparison.Ordinal))
        {
            yield return directory;
            directory = Path.GetDirectoryName(directory) ?? root;
        }

        yield return root;
    }

    private string[] ReadOwnCgroupLines()
    {
        var path = Path.Combine(procRoot, "self", "cgroup");
        return File.Exists(path) ? File.ReadAllLines(path) : [];
    }

    private static long? ReadLimit(string directory)
    {
        var text = ReadFirstLine(Path.Combine(directory, "memory.max")) ?? ReadFirstLine(Path.Combine(directory, "memory.limit_in_bytes"));
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit < UnlimitedThreshold ? limit : null;
    }

    /// <summary>Usage minus inactive page cache, which the kernel reclaims before it would kill us.</summary>
    private static long ReadUsage(string directory)
    {
        var text = ReadFirstLine(Path.Combine(directory, "memory.current")) ?? ReadFirstLine(Path.Combine(directory, "memory.usage_in_bytes"));
        var usage = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
        var statPath = Path.Combine(directory, "memory.stat");
        if (File.Exists(statPath))
        {
            var stat = ReadKeyValues(statPath, ' ');
            // v1's usage is hierarchical like its total_inactive_file; v2's inactive_file already is.
            usage -= stat.GetValueOrDefault("total_inactive_file", stat.GetValueOrDefault("inactive_file"));
        }

        return Math.Max(0, usage);
    }

    private static Dictionary<string, long> ReadKeyValues(string path, char separator)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var at = line.IndexOf(separator, StringComparison.Ordinal);
            if (at <= 0)
            {
                continue;
            }

            var number = line[(at + 1)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                values[line[..at]] = value;
            }
        }

        return values;
    }

    private static string? ReadFirstLine(string path) => File.Exists(path) ? File.ReadLines(path).FirstOrDefault()?.Trim() : null;
}
