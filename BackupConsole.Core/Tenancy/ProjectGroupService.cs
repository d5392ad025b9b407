using BackupConsole.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Core.Tenancy;

/// <summary>The signed-in tenant's project groups, the building block every resource's 项目组 field picks from.</summary>
public sealed class ProjectGroupService(IDbContextFactory<BackupDbContext> dbFactory)
{
    public async Task<IReadOnlyList<ProjectGroup>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        return await db.ProjectGroups.AsNoTracking()
            .OrderByDescending(g => g.IsDefault).ThenBy(g => g.Name)
            .ToListAsync(ct);
    }

    /// <summary>The group a resource gets when its creator picks none.</summary>
    public async Task<ProjectGroup> GetDefaultAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        return await db.ProjectGroups.AsNoTracking().SingleAsync(g => g.IsDefault, ct);
    }

    /// <summary>Null when the id is not one of the signed-in tenant's groups.</summary>
    public async Task<ProjectGroup?> FindAsync(string id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ProjectGroups.AsNoTracking().SingleOrDefaultAsync(g => g.Id == id, ct);
    }
}
