using System.Globalization;
using System.Text.RegularExpressions;

namespace WebChat.Engine.Downloads;

/// <summary>Recognises llama.cpp's split files ("name-00001-of-00003.gguf") so their parts download as one model.</summary>
public static partial class SplitGgufName
{
    /// <summary>All part names of the model a file belongs to; a file that is not split is its own only part.</summary>
    public static IReadOnlyList<string> AllParts(string fileName)
    {
        var match = Pattern().Match(fileName);
        if (!match.Success)
        {
            return [fileName];
        }

        var count = int.Parse(match.Groups["count"].Value, CultureInfo.InvariantCulture);
        var width = match.Groups["count"].Value.Length;
        var prefix = match.Groups["prefix"].Value;
        return Enumerable.Range(1, count)
            .Select(i => $"{prefix}-{i.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0')}-of-{match.Groups["count"].Value}.gguf")
            .ToList();
    }

    public static bool IsSplit(string fileName) => Pattern().IsMatch(fileName);

    /// <summary>True for the part llama.cpp loads (the first, or a file that is not split).</summary>
    public static bool IsFirstPartOrWhole(string fileName)
    {
        var match = Pattern().Match(fileName);
        return !match.Success || int.Parse(match.Groups["index"].Value, CultureInfo.InvariantCulture) == 1;
    }

    [GeneratedRegex(@"^(?<prefix>.+)-(?<index>\d{5})-of-(?<count>\d{5})\.gguf$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
