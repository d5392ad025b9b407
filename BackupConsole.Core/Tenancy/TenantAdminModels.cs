namespace BackupConsole.Core.Tenancy;

/// <summary>A tenant as the platform administrator's list shows it.</summary>
public sealed record TenantSummary(string Id, string Name, string? Remark, bool IsDisabled, int UserCount, DateTimeOffset CreatedAt);

/// <summary>A user as the platform administrator's list shows it.</summary>
public sealed record UserSummary(
    string Id, string UserName, string DisplayName, string TenantId,
    bool IsPlatformAdmin, bool IsDisabled, bool IsLockedOut, bool MustChangePassword, DateTimeOffset CreatedAt);

/// <summary>A generated password, shown once to the administrator to hand over; the user must change it at first sign-in.</summary>
public sealed record OneTimePassword(string UserName, string Password);
