namespace BackupConsole.Core.Localization;

/// <summary>Marker for the messages Core returns to users (CoreText.resx is Simplified Chinese, CoreText.en.resx English).</summary>
public sealed class CoreText;
