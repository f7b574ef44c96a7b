using System.Globalization;

namespace WebChat.Engine.Catalog;

/// <summary>Short size labels as the Hub names models: "135M", "0.5B", "1.2B", "7.2B", "13B", "70B".</summary>
public static class SizeLabels
{
    public static string FromParameters(long parameters)
    {
        var billions = parameters / 1e9;
        return billions switch
        {
            // Two significant digits as llama.cpp's gguf-py writes general.size_label, without a trailing ".0".
            >= 10 => Format(Math.Round(billions), "B"),
            >= 0.45 => Format(Math.Round(billions, 1), "B"),
            _ when parameters >= 1_000_000 => Format(Math.Round(parameters / 1e6), "M"),
            _ => Format(Math.Round(parameters / 1e3), "K"),
        };
    }

    /// <summary>Parses labels like "0.5B", "135M", "8x7B" (= 56B) into an approximate parameter count.</summary>
    public static long? ToParameters(string label)
    {
        var text = label.Trim().ToUpperInvariant();
        var multiplier = 1L;
        var times = text.IndexOf('X', StringComparison.Ordinal);
        if (times > 0 && int.TryParse(text[..times], NumberStyles.None, CultureInfo.InvariantCulture, out var experts))
        {
            multiplier = experts;
            text = text[(times + 1)..];
        }

        if (text.Length < 2)
        {
            return null;
        }

        var scale = text[^1] switch { 'K' => 1e3, 'M' => 1e6, 'B' => 1e9, 'T' => 1e12, _ => 0 };
        if (scale == 0 || !double.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        return (long)(value * scale) * multiplier;
    }

    private static string Format(double value, string suffix) => value.ToString("0.#", CultureInfo.InvariantCulture) + suffix;
}
