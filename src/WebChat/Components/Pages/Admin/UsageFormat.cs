using System.Globalization;

namespace WebChat.Components.Pages.Admin;

/// <summary>How the Usage page writes figures that may be missing (a dash instead of a misleading zero).</summary>
internal static class UsageFormat
{
    public static string Ms(double? value) => value is { } v ? $"{v.ToString("0", CultureInfo.InvariantCulture)} ms" : "–";

    public static string Speed(double? value) => value is { } v ? $"{v.ToString("0.0", CultureInfo.InvariantCulture)} tokens/s" : "–";

    public static string Percent(double? value) => value is { } v ? $"{v.ToString("0.0", CultureInfo.InvariantCulture)} %" : "–";
}
