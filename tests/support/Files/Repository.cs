namespace WebChat.Tests.Support.Files;

/// <summary>The repository's root folder, found from the test's output folder (tests read committed docs and examples).</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "WebChat.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("WebChat.sln not found above the test's folder.");
    }
}
