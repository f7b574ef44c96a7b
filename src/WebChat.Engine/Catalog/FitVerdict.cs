namespace WebChat.Engine.Catalog;

/// <summary>Where a model can run on this machine.</summary>
public enum FitKind
{
    FullyOnGpu,
    PartlyOnGpu,
    InRam,
    WontFit,
}

/// <summary>The answer of <see cref="MemoryEstimator.Fit"/> with the numbers behind it and a sentence for a person.</summary>
public sealed record FitVerdict
{
    public FitKind Kind { get; init; }

    /// <summary>Layers to offload (LayerCount + 1 means all, output layer included); 0 unless on a GPU.</summary>
    public int GpuLayers { get; init; }

    public long RequiredBytes { get; init; }
    public long AvailableRamBytes { get; init; }
    public long AvailableVramBytes { get; init; }
    public required string Explanation { get; init; }

    public bool Fits => Kind != FitKind.WontFit;

    internal static FitVerdict Create(FitKind kind, int gpuLayers, MemoryEstimate estimate, MachineMemory machine)
    {
        var required = kind == FitKind.FullyOnGpu ? estimate.TotalOnGpuBytes : estimate.TotalBytes;
        var needs = ByteSizes.Format(required);
        var ram = ByteSizes.Format(machine.AvailableRamBytes);
        var vram = ByteSizes.Format(machine.AvailableVramBytes);
        var explanation = kind switch
        {
            FitKind.FullyOnGpu => $"Fits on the GPU: needs {needs}, {vram} of GPU memory free.",
            FitKind.PartlyOnGpu => $"Fits with {gpuLayers} of {estimate.LayerCount} layers on the GPU ({vram} free) and the rest in RAM ({ram} available); needs {needs} in all.",
            FitKind.InRam => machine.AvailableVramBytes > 0
                ? $"Runs on the CPU: needs {needs}, {ram} of RAM available (too little GPU memory free: {vram})."
                : $"Runs on the CPU: needs {needs}, {ram} of RAM available.",
            _ => $"Will not fit: needs {needs} but only {ram} of RAM{(machine.AvailableVramBytes > 0 ? $" and {vram} of GPU memory" : "")} are available. Try a smaller quantization, a shorter context or fewer parallel sequences.",
        };
        return new FitVerdict
        {
            Kind = kind,
            GpuLayers = gpuLayers,
            RequiredBytes = required,
            AvailableRamBytes = machine.AvailableRamBytes,
            AvailableVramBytes = machine.AvailableVramBytes,
            Explanation = explanation,
        };
    }
}
