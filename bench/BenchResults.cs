using System.Text.Json;

namespace WebChat.Bench;

/// <summary>Where a bench leaves its results: NAME.json (the whole report, for tools) and NAME.md (its tables, for people) in one folder.</summary>
internal static class BenchResults
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task WriteAsync<TReport>(string directory, string name, TReport report, string markdown)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, name + ".json"), JsonSerializer.Serialize(report, Indented));
        await File.WriteAllTextAsync(Path.Combine(directory, name + ".md"), markdown);
    }
}
