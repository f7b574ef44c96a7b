namespace WebChat.Services.Chat;

/// <summary>Makes a conversation title from its first message: the first line, cut at a word.</summary>
public static class TitleMaker
{
    public const string Fallback = "New chat";

    public static string FromFirstMessage(string text, int maxLength)
    {
        var firstLine = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(line => line.Trim('#', '`', ' ', '>', '*', '-').Length > 0);
        if (firstLine is null)
        {
            return Fallback;
        }

        var line = string.Join(' ', firstLine.Trim('#', '`', ' ', '>').Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (line.Length <= maxLength)
        {
            return line;
        }

        var cut = line.LastIndexOf(' ', maxLength - 1);
        return string.Concat(line.AsSpan(0, cut > maxLength / 2 ? cut : maxLength - 1), "…");
    }
}
