using BackupConsole.Core.Tenancy;

namespace BackupConsole.Core.Restores;

/// <summary>One "create instance from backup data" (R-PLAN-5) run as a tracked job: its target, progress and outcome.</summary>
public sealed class RestoreJob : ITenantOwned
{
    public required string Id { get; init; }

    public string TenantId { get; set; } = "";

    public required string BackupId { get; init; }

    /// <summary>The plan the backup belongs to, when it has one; events go there, else to the pool.</summary>
    public string? PlanId { get; init; }

    public required string PoolId { get; init; }

    public RestoreMode Mode { get; init; }

    /// <summary>Where the data goes, as the user reads it: server and database names, bucket and prefix, directory.</summary>
    public required string Target { get; init; }

    /// <summary>Every backup set the restore reads (an incremental reads its whole chain), as ",id,id,": none of them may be deleted meanwhile.</summary>
    public required string ReadsBackups { get; init; }

    public RestoreJobStatus Status { get; set; }

    public long BytesDone { get; set; }

    public long BytesTotal { get; set; }

    public long ItemsDone { get; set; }

    public long? ItemsTotal { get; set; }

    /// <summary>The engine's latest progress line.</summary>
    public string? Message { get; set; }

    public string? Error { get; set; }

    /// <summary>What was restored where, and how to check it.</summary>
    public string? Summary { get; set; }

    /// <summary>A new MariaDB server started on the restored data directory, registered as this instance.</summary>
    public string? CreatedInstanceId { get; set; }

    /// <summary>The console node running it; another node fails it when that node stops.</summary>
    public string? Node { get; set; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; set; }
}
