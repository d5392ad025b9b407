using System.ComponentModel.DataAnnotations;

namespace BackupConsole.Core.Identity;

/// <summary>Password rules and lockout, bound from the "Security" section.</summary>
public sealed class SignInSecurityOptions
{
    public const string Section = "Security";

    [Range(8, 128)]
    public int PasswordMinLength { get; set; } = 10;

    public bool PasswordRequireDigit { get; set; } = true;

    public bool PasswordRequireUppercase { get; set; } = true;

    public bool PasswordRequireLowercase { get; set; } = true;

    public bool PasswordRequireSymbol { get; set; }

    [Range(1, 100)]
    public int LockoutMaxFailedAttempts { get; set; } = 5;

    [Range(1, 1440)]
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>How often an open page re-checks that its user is still enabled and its password unchanged.</summary>
    [Range(1, 60)]
    public int RevalidateMinutes { get; set; } = 1;
}
