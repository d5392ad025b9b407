using BackupConsole.Core.Tenancy;

namespace BackupConsole.Core.Alerts;

public enum ChannelKind
{
    Webhook,
    Email,
}

/// <summary>Where a tenant's alerts go: a webhook (JSON POST signed with the shared secret) or e-mail recipients (through the operator's SMTP server).</summary>
public sealed class NotificationChannel : ITenantOwned
{
    public const int MaxNameLength = 64;

    public required string Id { get; init; }

    public string TenantId { get; set; } = "";

    public required string Name { get; set; }

    public ChannelKind Kind { get; init; }

    /// <summary>Webhook: the URL posted to.</summary>
    public string? Url { get; set; }

    /// <summary>Webhook: the signing secret, encrypted by the key ring.</summary>
    public string? ProtectedSecret { get; set; }

    /// <summary>E-mail: recipients, comma separated.</summary>
    public string? Recipients { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}
