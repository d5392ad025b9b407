using BackupConsole.Core.Instances;

namespace BackupConsole.Core.Plans;

/// <summary>The create/update dialog of a plan (R-PLAN-1, R-PLAN-7). The timer is ignored for manual plans.</summary>
public sealed record PlanInput(
    string Name,
    PlanStrategy Strategy,
    InstanceKind SourceKind,
    string InstanceId,
    string BackupType,
    string PoolId,
    int RetentionDays,
    PlanTimer? Timer = null,
    string? Selection = null,
    string? RelatedPlanId = null,
    string? Remark = null,
    string? ProjectGroupId = null,
    IReadOnlyList<Tags.Tag>? Tags = null);

/// <summary>The list's filters, search and page (R-PLAN-3); all optional.</summary>
public sealed record PlanQuery(
    PlanStatus? Status = null,
    InstanceKind? SourceKind = null,
    PlanStrategy? Strategy = null,
    string? ProjectGroupId = null,
    string? TagKey = null,
    string? TagValue = null,
    string? Search = null,
    int Page = 0,
    int PageSize = 20);

/// <summary>A plan as the list shows it (R-PLAN-3).</summary>
public sealed record PlanView(
    string Id,
    string Name,
    string? Remark,
    PlanStatus Status,
    string PoolId,
    string PoolName,
    InstanceKind SourceKind,
    string SourceRegion,
    string InstanceId,
    string InstanceName,
    string SourceAddress,
    PlanStrategy Strategy,
    string? TimerText,
    PlanTimer? Timer,
    string BackupType,
    string? Selection,
    int RetentionDays,
    string? RelatedPlanId,
    string? RelatedPlanName,
    string ProjectGroupId,
    IReadOnlyList<Tags.Tag> Tags,
    DateTimeOffset? LastRunAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record PlanPage(IReadOnlyList<PlanView> Items, int Total);
