namespace WebChat.Engine.Catalog;

/// <summary>Reports GPU memory through the inference backend; the CPU backend has none.</summary>
public interface IGpuMemoryProbe
{
    IReadOnlyList<GpuMemory> Probe();
}

/// <summary>The probe for the CPU backend: no GPUs.</summary>
public sealed class NoGpuMemoryProbe : IGpuMemoryProbe
{
    public IReadOnlyList<GpuMemory> Probe() => [];
}
