namespace WebChat.Engine.Downloads;

/// <summary>The download of one model: a single file or every part of a split GGUF, seen as one.</summary>
public sealed class ModelDownload(IReadOnlyList<DownloadJob> parts)
{
    public IReadOnlyList<DownloadJob> Parts { get; } = parts;

    /// <summary>Completes with the path llama.cpp loads (the first part) once every part is verified and installed.</summary>
    public async Task<string> WaitAsync(CancellationToken cancellationToken = default)
    {
        var paths = await Task.WhenAll(Parts.Select(p => p.WaitAsync(cancellationToken)));
        return paths.First(p => SplitGgufName.IsFirstPartOrWhole(Path.GetFileName(p)));
    }

    public long BytesDone => Parts.Sum(p => p.Progress.BytesDone);

    public long TotalBytes => Parts.Sum(p => p.Progress.TotalBytes);

    public void Pause()
    {
        foreach (var part in Parts) part.Pause();
    }

    public void Resume()
    {
        foreach (var part in Parts) part.Resume();
    }

    public void Cancel()
    {
        foreach (var part in Parts) part.Cancel();
    }
}
