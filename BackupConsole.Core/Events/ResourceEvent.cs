using BackupConsole.Core.Tenancy;

namespace BackupConsole.Core.Events;

/// <summary>Something that happened to a resource (R-MON-3); identical repeats raise <see cref="Count"/> instead of adding rows.</summary>
public sealed class ResourceEvent : ITenantOwned
{
    public long Id { get; init; }

    public string TenantId { get; set; } = "";

    public required string ResourceId { get; init; }

    /// <summary>A stable code such as <c>GatewayCreated</c>; the UI shows it in the user's language.</summary>
    public required string Type { get; init; }

    public EventLevel Level { get; init; }

    /// <summary>Language-neutral facts (names, values), shown after the localized type.</summary>
    public string Detail { get; init; } = "";

    public int Count { get; set; } = 1;

    public DateTimeOffset FirstAt { get; init; }

    public DateTimeOffset LastAt { get; set; }
}
