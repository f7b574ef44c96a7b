namespace WebChat.Engine.Catalog;

/// <summary>Memory this process may use now: RAM (within any cgroup limit) and free memory of each GPU.</summary>
public sealed record MachineMemory(long TotalRamBytes, long AvailableRamBytes, IReadOnlyList<GpuMemory> Gpus)
{
    /// <summary>Free VRAM over all GPUs (llama.cpp splits layers across them).</summary>
    public long AvailableVramBytes => Gpus.Sum(gpu => gpu.FreeBytes);
}

/// <summary>One GPU's memory as its backend reports it.</summary>
public sealed record GpuMemory(string Name, long TotalBytes, long FreeBytes);
