using System.Text;
using Spectre.Console;

namespace WebChat.Cli;

/// <summary>The two shapes of a command's table: Spectre.Console's bordered table on a terminal, space-padded columns elsewhere.</summary>
internal static class CliTables
{
    /// <summary>A bordered table; cells are text, never markup, so names with brackets print as they are.</summary>
    public static Table Build(IReadOnlyList<string> header, IEnumerable<string[]> rows, IReadOnlyCollection<int>? rightAligned = null)
    {
        var table = new Table().Border(TableBorder.Rounded);
        for (var i = 0; i < header.Count; i++)
        {
            var column = new TableColumn(new Text(header[i], new Style(decoration: Decoration.Bold)));
            table.AddColumn(rightAligned?.Contains(i) == true ? column.RightAligned() : column);
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(cell => new Text(cell)));
        }

        return table;
    }

    /// <summary>Columns padded with two spaces between them, one line per row, no trailing spaces.</summary>
    public static string Plain(IReadOnlyList<string> header, IReadOnlyList<string[]> rows, IReadOnlyCollection<int>? rightAligned = null)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(row => row[i].Length))).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows.Prepend([.. header]))
        {
            text.AppendLine(string.Join("  ", row.Select((cell, i) => rightAligned?.Contains(i) == true ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))).TrimEnd());
        }

        return text.ToString();
    }
}
