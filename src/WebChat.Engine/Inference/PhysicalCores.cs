namespace WebChat.Engine.Inference;

/// <summary>
/// The default thread count: physical cores, as llama.cpp's own tools choose. Two hardware threads of one core share
/// its vector units, so giving a decode one thread per logical processor on an SMT host adds contention, not speed.
/// </summary>
public static class PhysicalCores
{
    /// <summary>Physical cores among the processors this process may use; the logical count where topology is unknown.</summary>
    public static int Count() => Count("/sys/devices/system/cpu", Environment.ProcessorCount);

    /// <summary>Counts distinct sibling sets (one per core) under a sysfs cpu folder, at most <paramref name="logical"/>.</summary>
    internal static int Count(string sysfsCpu, int logical)
    {
        try
        {
            var cores = Directory.EnumerateDirectories(sysfsCpu, "cpu*")
                .Select(cpu => Path.Combine(cpu, "topology", "thread_siblings_list"))
                .Where(File.Exists)
                .Select(siblings => File.ReadAllText(siblings).Trim())
                .Distinct()
                .Count();
            return cores == 0 ? Math.Max(1, logical) : Math.Clamp(cores, 1, Math.Max(1, logical));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return Math.Max(1, logical);
        }
    }
}
