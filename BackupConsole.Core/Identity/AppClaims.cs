namespace BackupConsole.Core.Identity;

/// <summary>Claim types the console adds to a signed-in user's principal.</summary>
public static class AppClaims
{
    public const string TenantId = "bc:tenant";
    public const string TenantName = "bc:tenant_name";
    public const string DisplayName = "bc:display_name";
    public const string PlatformAdmin = "bc:platform_admin";
    public const string MustChangePassword = "bc:must_change_password";
}
