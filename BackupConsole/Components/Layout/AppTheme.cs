using MudBlazor;

namespace BackupConsole.Components.Layout;

/// <summary>The console's MudBlazor theme: system and CJK fonts only, nothing fetched from a CDN.</summary>
internal static class AppTheme
{
    private static readonly string[] Fonts =
        ["system-ui", "-apple-system", "Segoe UI", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "Helvetica", "Arial", "sans-serif"];

    public static MudTheme Theme { get; } = new()
    {
        Typography = new Typography { Default = new DefaultTypography { FontFamily = Fonts } },
        PaletteLight = new PaletteLight { Primary = "#1565c0", AppbarBackground = "#0d47a1" },
    };
}
