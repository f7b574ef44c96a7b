using MudBlazor;

namespace WebChat.Components.Layout;

/// <summary>The app's colours for the light and dark palettes.</summary>
internal static class WebChatTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3b5bdb",
            AppbarBackground = "#3b5bdb",
            Background = "#f7f8fa",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#91a7ff",
            AppbarBackground = "#1e1e2d",
            Background = "#121218",
            Surface = "#1e1e2d",
            DrawerBackground = "#1a1a26",
        },
    };
}
