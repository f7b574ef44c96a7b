using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace WebChat.Engine.Hub;

/// <summary>A Hub model repository name, "owner/name", checked so it can never escape a folder it names.</summary>
public readonly partial record struct RepoId
{
    private RepoId(string owner, string name)
    {
        Owner = owner;
        Name = name;
    }

    public string Owner { get; }

    public string Name { get; }

    public override string ToString() => $"{Owner}/{Name}";

    /// <summary>Parses "owner/name"; throws ArgumentException with a readable reason when it is not a valid repository name.</summary>
    public static RepoId Parse(string value) =>
        TryParse(value, out var id) ? id : throw new ArgumentException($"'{value}' is not a Hub repository name (expected owner/name with letters, digits, '-', '_' or '.').", nameof(value));

    public static bool TryParse(string? value, [NotNullWhen(true)] out RepoId id)
    {
        id = default;
        var parts = value?.Split('/') ?? [];
        if (parts.Length != 2 || !IsValidPart(parts[0]) || !IsValidPart(parts[1]))
        {
            return false;
        }

        id = new RepoId(parts[0], parts[1]);
        return true;
    }

    // The Hub's own rule: letters, digits, '-', '_', '.'; no leading or trailing '-' or '.', no "--" or "..", at most 96 characters.
    private static bool IsValidPart(string part) =>
        part.Length is > 0 and <= 96 && PartPattern().IsMatch(part) && !part.Contains("..", StringComparison.Ordinal)
        && !part.Contains("--", StringComparison.Ordinal);

    [GeneratedRegex("^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$")]
    private static partial Regex PartPattern();
}
