namespace BackupConsole.Localization;

/// <summary>Marker for the UI's text (UiText.resx is Simplified Chinese, UiText.en.resx English).</summary>
public sealed class UiText;
