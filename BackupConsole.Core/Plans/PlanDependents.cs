using BackupConsole.Core.Data;
using BackupConsole.Core.Instances;
using BackupConsole.Core.StoragePools;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Core.Plans;

/// <summary>Plans block unbinding their pool (R-POOL-5) and deleting their source instance; both refusals name them.</summary>
public sealed class PlanDependents(IDbContextFactory<BackupDbContext> dbFactory) : IStoragePoolDependents, IInstanceDependents
{
    public async Task<IReadOnlyList<string>> PlansUsingAsync(string poolId, CancellationToken ct) =>
        await NamesAsync(p => p.PoolId == poolId, ct);

    async Task<IReadOnlyList<string>> IInstanceDependents.PlansUsingAsync(string instanceId, CancellationToken ct) =>
        await NamesAsync(p => p.InstanceId == instanceId, ct);

    private async Task<IReadOnlyList<string>> NamesAsync(System.Linq.Expressions.Expression<Func<BackupPlan, bool>> uses, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        return await db.Plans.AsNoTracking().Where(uses).OrderBy(p => p.Name).Select(p => p.Name).ToListAsync(ct);
    }
}
