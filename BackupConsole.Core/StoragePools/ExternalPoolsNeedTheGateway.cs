using BackupConsole.Core.Data;
using BackupConsole.Core.Gateways;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Core.StoragePools;

/// <summary>R-GW-6: the gateway cannot be deleted while external S3 pools reach their buckets through it.</summary>
public sealed class ExternalPoolsNeedTheGateway(IDbContextFactory<BackupDbContext> dbFactory) : IGatewayDeletionBlocker
{
    public async Task<IReadOnlyList<string>> BlockingResourcesAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.StoragePools.AsNoTracking()
            .Where(p => p.Type == StoragePoolType.ExternalS3)
            .OrderBy(p => p.Name)
            .Select(p => p.Name + " (" + p.Id + ")")
            .ToListAsync(ct);
    }
}
