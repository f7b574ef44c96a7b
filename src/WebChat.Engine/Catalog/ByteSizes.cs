using System.Globalization;

namespace WebChat.Engine.Catalog;

/// <summary>Formats byte counts for people: "512 MiB", "1.4 GiB".</summary>
public static class ByteSizes
{
    public const long MiB = 1024 * 1024;
    public const long GiB = 1024 * MiB;

    public static string Format(long bytes) => bytes switch
    {
        >= GiB => (bytes / (double)GiB).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= MiB => (bytes / (double)MiB).ToString("0", CultureInfo.InvariantCulture) + " MiB",
        >= 1024 => (bytes / 1024.0).ToString("0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
