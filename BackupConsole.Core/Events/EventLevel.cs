namespace BackupConsole.Core.Events;

/// <summary>An event's level (信息/警告/严重).</summary>
public enum EventLevel
{
    Info,
    Warning,
    Critical,
}
