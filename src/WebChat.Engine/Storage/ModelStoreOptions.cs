namespace WebChat.Engine.Storage;

/// <summary>Where models live on disk (section "WebChat:Models").</summary>
public sealed class ModelStoreOptions
{
    public const string SectionName = "WebChat:Models";

    /// <summary>The models folder; when empty, "models" under the current user's local application data folder.</summary>
    public string? Directory { get; set; }

    /// <summary>A .part file untouched for this long is stale and removed by cleanup.</summary>
    public TimeSpan StalePartAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The folder to use: the configured one, else the platform default.</summary>
    public string ResolveDirectory() => string.IsNullOrWhiteSpace(Directory)
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "WebChat", "models")
        : Path.GetFullPath(Directory);
}
