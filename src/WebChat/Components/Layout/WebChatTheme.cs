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
            // Darker than MudBlazor's defaults so text and filled chips reach WCAG AA (4.5:1) on the light surfaces.
            TextSecondary = "#5f6368",
            Success = "#1b7f3b",
            Info = "#0b5cad",
            Error = "#c62828",
            Warning = "#a15c00",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#91a7ff",
            AppbarBackground = "#1e1e2d",
            Background = "#121218",
            Surface = "#1e1e2d",
            DrawerBackground = "#1a1a26",
            // Light accents on a dark surface: their filled buttons and chips carry dark text (WCAG AA).
            PrimaryContrastText = "#10162f",
            Success = "#5cd69a",
            SuccessContrastText = "#0b1f14",
            InfoContrastText = "#0b1a2b",
            ErrorContrastText = "#2b0b0b",
            WarningContrastText = "#2b1a00",
        },
    };
}
