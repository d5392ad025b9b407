using Microsoft.AspNetCore.Identity;

namespace BackupConsole.Core.Identity;

/// <summary>A person who signs in to the console: a member of one tenant, and possibly the platform's administrator.</summary>
public sealed class AppUser : IdentityUser
{
    public string TenantId { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public bool IsPlatformAdmin { get; set; }

    public bool IsDisabled { get; set; }

    /// <summary>Set for generated one-time passwords: the user must choose a new one before anything else.</summary>
    public bool MustChangePassword { get; set; }

    /// <summary>The UI language the user chose last ("zh-CN" or "en-US").</summary>
    public string? PreferredCulture { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
