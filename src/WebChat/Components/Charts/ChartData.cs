using MudBlazor;

namespace WebChat.Components.Charts;

/// <summary>Builds MudBlazor chart series from plain numbers.</summary>
internal static class ChartSeriesOf
{
    public static ChartSeries<double> Named(string name, IEnumerable<double> values) =>
        new() { Name = name, Data = new ChartData<double>([.. values]) };
}
