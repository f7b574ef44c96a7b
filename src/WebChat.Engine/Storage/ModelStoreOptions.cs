namespace WebChat.Engine.Storage;

/// <summary>Where models live on disk (section "WebChat:Models").</summary>
public sealed class ModelStoreOptions
{
    public const string SectionName = "WebChat:Models";

    /// <summary>The models folder; when empty, the platform data directory's "models" (see DataDirectories).</summary>
    public string? Directory { get; set; }

    /// <summary>A .part file untouched for this long is stale and removed by cleanup.</summary>
    public TimeSpan StalePartAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The folder to use: the configured one, else the platform default.</summary>
    public string ResolveDirectory() => string.IsNullOrWhiteSpace(Directory)
        ? DataDirectories.ModelsIn(DataDirectories.Default())
        : Path.GetFullPath(Directory);
}
