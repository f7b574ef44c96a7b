using WebChat.Engine.Inference;

namespace WebChat.Tests.Unit.Engine.Inference;

public sealed class PhysicalCoresTests : IDisposable
{
    private readonly string _sysfs = Path.Combine(Path.GetTempPath(), "webchat-cpu-" + Guid.NewGuid().ToString("N"));

    private void Cpu(int index, string siblings)
    {
        var topology = Directory.CreateDirectory(Path.Combine(_sysfs, $"cpu{index}", "topology"));
        File.WriteAllText(Path.Combine(topology.FullName, "thread_siblings_list"), siblings + "\n");
    }

    [Fact]
    public void Two_hardware_threads_of_one_core_count_once()
    {
        Cpu(0, "0,2");
        Cpu(1, "1,3");
        Cpu(2, "0,2");
        Cpu(3, "1,3");
        Directory.CreateDirectory(Path.Combine(_sysfs, "cpufreq"));

        Assert.Equal(2, PhysicalCores.Count(_sysfs, logical: 4));
    }

    [Fact]
    public void Without_SMT_every_logical_processor_is_a_core()
    {
        Cpu(0, "0");
        Cpu(1, "1");

        Assert.Equal(2, PhysicalCores.Count(_sysfs, logical: 2));
    }

    [Fact]
    public void Never_more_than_the_processors_this_process_may_use_and_the_logical_count_where_topology_is_unknown()
    {
        for (var i = 0; i < 8; i++)
        {
            Cpu(i, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal(3, PhysicalCores.Count(_sysfs, logical: 3));
        Assert.Equal(6, PhysicalCores.Count(Path.Combine(_sysfs, "missing"), logical: 6));
    }

    public void Dispose()
    {
        if (Directory.Exists(_sysfs))
        {
            Directory.Delete(_sysfs, recursive: true);
        }
    }
}
