using System.Globalization;
using WebChat.Engine.Catalog;

namespace WebChat.Components.Models;

/// <summary>Numbers as the model pages write them: sizes, counts, parameters, durations and ages.</summary>
internal static class ModelFormat
{
    public static string Bytes(long bytes) => bytes <= 0 ? "0 B" : ByteSizes.Format(bytes);

    public static string Count(long? value) => value switch
    {
        null => "–",
        >= 1_000_000 => (value.Value / 1_000_000d).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 1_000 => (value.Value / 1_000d).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        _ => value.Value.ToString(CultureInfo.InvariantCulture),
    };

    public static string Parameters(long? parameters) => parameters is > 0 ? SizeLabels.FromParameters(parameters.Value) : "–";

    public static string Context(long? tokens) => tokens is > 0 ? $"{Count(tokens)} ctx" : "–";

    public static string Speed(double bytesPerSecond) => bytesPerSecond > 0 ? $"{ByteSizes.Format((long)bytesPerSecond)}/s" : "–";

    public static string Eta(TimeSpan? eta) => eta switch
    {
        null => "–",
        { TotalHours: >= 1 } e => $"{(int)e.TotalHours} h {e.Minutes} min",
        { TotalMinutes: >= 1 } e => $"{e.Minutes} min {e.Seconds} s",
        { } e => $"{Math.Max(1, (int)Math.Ceiling(e.TotalSeconds))} s",
    };

    public static string Age(DateTimeOffset? when, DateTimeOffset now)
    {
        if (when is null)
        {
            return "–";
        }

        var age = now - when.Value;
        return age.TotalDays switch
        {
            >= 365 => $"{(int)(age.TotalDays / 365)} y ago",
            >= 30 => $"{(int)(age.TotalDays / 30)} mo ago",
            >= 1 => $"{(int)age.TotalDays} d ago",
            _ => "today",
        };
    }
}
