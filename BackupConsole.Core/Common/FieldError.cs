namespace BackupConsole.Core.Common;

/// <summary>One validation failure, in the UI's language, tied to the form field it concerns ("" for the whole form).</summary>
public sealed record FieldError(string Field, string Message);
