namespace BackupConsole.Core.Identity;

/// <summary>The first-run platform administrator, bound from the "Admin" section.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    public string UserName { get; set; } = "admin";

    /// <summary>Empty: a one-time password is generated on first run and printed once to the log.</summary>
    public string Password { get; set; } = "";

    /// <summary>The tenant the administrator belongs to, created on first run.</summary>
    public string TenantName { get; set; } = "default";
}
