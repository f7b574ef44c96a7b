using Microsoft.Extensions.DependencyInjection;
using WebChat.Engine.Catalog;

namespace WebChat.Tests.Unit.Engine.Catalog;

public sealed class SystemMemoryReaderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("webchat-memory-").FullName;

    private string Proc => Path.Combine(_root, "proc");

    private string Cgroup => Path.Combine(_root, "cgroup");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Without_a_cgroup_limit_available_RAM_is_MemAvailable()
    {
        WriteMeminfo(totalKb: 16_000_000, availableKb: 9_000_000);
        Write("cgroup/memory.max", "max");

        var memory = Read();

        Assert.Equal((16_000_000L * 1024, 9_000_000L * 1024), (memory.TotalRamBytes, memory.AvailableRamBytes));
        Assert.Empty(memory.Gpus);
        Assert.Equal(0, memory.AvailableVramBytes);
    }

    [Fact]
    public void A_cgroup_v2_limit_caps_total_and_available_and_counts_inactive_page_cache_as_free()
    {
        WriteMeminfo(totalKb: 16_000_000, availableKb: 9_000_000);
        Write("proc/self/cgroup", "0::/app.slice/webchat");
        Write("cgroup/app.slice/webchat/memory.max", (4L * ByteSizes.GiB).ToString());
        Write("cgroup/app.slice/webchat/memory.current", (3L * ByteSizes.GiB).ToString());
        Write("cgroup/app.slice/webchat/memory.stat", $"anon 1000\ninactive_file {512 * ByteSizes.MiB}\n");

        var memory = Read();

        Assert.Equal(4L * ByteSizes.GiB, memory.TotalRamBytes);
        Assert.Equal(ByteSizes.GiB + 512 * ByteSizes.MiB, memory.AvailableRamBytes);
    }

    [Fact]
    public void A_parent_cgroup_with_a_tighter_limit_wins()
    {
        WriteMeminfo(totalKb: 16_000_000, availableKb: 9_000_000);
        Write("proc/self/cgroup", "0::/outer/inner");
        Write("cgroup/outer/memory.max", (2L * ByteSizes.GiB).ToString());
        Write("cgroup/outer/memory.current", (ByteSizes.GiB + ByteSizes.GiB / 2).ToString());
        Write("cgroup/outer/inner/memory.max", "max");

        Assert.Equal(ByteSizes.GiB / 2, Read().AvailableRamBytes);
    }

    [Fact]
    public void A_cgroup_v1_limit_is_read_and_its_unlimited_marker_ignored()
    {
        WriteMeminfo(totalKb: 16_000_000, availableKb: 9_000_000);
        Write("proc/self/cgroup", "4:memory:/docker/abc\n0::/");
        Write("cgroup/memory/memory.limit_in_bytes", "9223372036854771712");
        Write("cgroup/memory/docker/abc/memory.limit_in_bytes", (6L * ByteSizes.GiB).ToString());
        Write("cgroup/memory/docker/abc/memory.usage_in_bytes", (2L * ByteSizes.GiB).ToString());
        Write("cgroup/memory/docker/abc/memory.stat", $"inactive_file 1\ntotal_inactive_file {ByteSizes.GiB}");

        var memory = Read();

        Assert.Equal(6L * ByteSizes.GiB, memory.TotalRamBytes);
        Assert.Equal(5L * ByteSizes.GiB, memory.AvailableRamBytes);
    }

    [Fact]
    public void GPU_memory_comes_from_the_probe()
    {
        WriteMeminfo(totalKb: 16_000_000, availableKb: 9_000_000);

        var memory = new SystemMemoryReader(new FixedGpus(new GpuMemory("a", 8, 6), new GpuMemory("b", 8, 2)), Proc, Cgroup).Read();

        Assert.Equal(8, memory.AvailableVramBytes);
    }

    [Fact]
    public void This_machine_reports_plausible_numbers()
    {
        var memory = new SystemMemoryReader().Read();

        Assert.True(memory.TotalRamBytes > 256 * ByteSizes.MiB);
        Assert.InRange(memory.AvailableRamBytes, 1, memory.TotalRamBytes);
    }

    [Fact]
    public void The_reader_resolves_from_dependency_injection_with_the_registered_GPU_probe()
    {
        using var services = new ServiceCollection()
            .AddSingleton<IGpuMemoryProbe>(new FixedGpus(new GpuMemory("a", 8, 5)))
            .AddSingleton<IMachineMemoryReader, SystemMemoryReader>()
            .BuildServiceProvider();

        var memory = services.GetRequiredService<IMachineMemoryReader>().Read();

        Assert.Equal(5, memory.AvailableVramBytes);
        Assert.True(memory.AvailableRamBytes > 0);
    }

    [Fact]
    public void Without_proc_meminfo_the_runtime_view_of_physical_memory_is_used_and_still_capped_by_a_cgroup()
    {
        Write("cgroup/memory.max", (512L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Write("cgroup/memory.current", (100L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));

        var memory = Read();

        Assert.Equal(Math.Min(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, 512L * 1024 * 1024), memory.TotalRamBytes);
        Assert.InRange(memory.AvailableRamBytes, 1, 412L * 1024 * 1024);
    }

    [Fact]
    public void A_meminfo_without_MemAvailable_falls_back_to_the_runtime_view()
    {
        Write("proc/meminfo", "MemTotal:       16000000 kB\nMemFree:         1000 kB\n");

        var memory = Read();

        Assert.Equal(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, memory.TotalRamBytes);
        Assert.InRange(memory.AvailableRamBytes, 0, memory.TotalRamBytes);
    }

    private MachineMemory Read() => new SystemMemoryReader(new NoGpuMemoryProbe(), Proc, Cgroup).Read();

    private void WriteMeminfo(long totalKb, long availableKb) =>
        Write("proc/meminfo", $"MemTotal:       {totalKb} kB\nMemFree:         1000 kB\nMemAvailable:   {availableKb} kB\n");

    private void Write(string relative, string content)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private sealed class FixedGpus(params GpuMemory[] gpus) : IGpuMemoryProbe
    {
        public IReadOnlyList<GpuMemory> Probe() => gpus;
    }
}
