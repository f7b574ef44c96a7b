namespace WebChat.Engine.Storage;

/// <summary>Where WebChat keeps its database and models by default, following each platform's convention.</summary>
public static class DataDirectories
{
    /// <summary>Environment variable that overrides the default data directory.</summary>
    public const string OverrideVariable = "WEBCHAT_DATA_DIR";

    /// <summary>Name of the folder created under the platform's application-data location.</summary>
    public const string ProductFolder = "WebChat";

    /// <summary>The default data directory of this process: WEBCHAT_DATA_DIR if set, else the platform's location.</summary>
    public static string Default() =>
        Resolve(Environment.GetEnvironmentVariable, CurrentPlatform(), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>The models folder inside a data directory.</summary>
    public static string ModelsIn(string dataDirectory) => Path.Combine(dataDirectory, "models");

    /// <summary>Resolves the data directory from explicit inputs, so every platform's rule can be tested anywhere.</summary>
    public static string Resolve(Func<string, string?> environment, DataPlatform platform, string home)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var overridden = environment(OverrideVariable);
        if (!string.IsNullOrWhiteSpace(overridden))
        {
            return overridden;
        }

        return platform switch
        {
            DataPlatform.Windows => Path.Combine(
                environment("LOCALAPPDATA") is { Length: > 0 } localAppData ? localAppData : Path.Combine(home, "AppData", "Local"),
                ProductFolder),
            DataPlatform.MacOS => Path.Combine(home, "Library", "Application Support", ProductFolder),
            _ => Path.Combine(
                environment("XDG_DATA_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg) ? xdg : Path.Combine(home, ".local", "share"),
                ProductFolder),
        };
    }

    /// <summary>The platform family whose convention applies to this process.</summary>
    public static DataPlatform CurrentPlatform() =>
        OperatingSystem.IsWindows() ? DataPlatform.Windows
        : OperatingSystem.IsMacOS() ? DataPlatform.MacOS
        : DataPlatform.Unix;
}

/// <summary>Platform families with different data-directory conventions.</summary>
public enum DataPlatform
{
    Unix,
    MacOS,
    Windows,
}
