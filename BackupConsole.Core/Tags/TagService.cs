using BackupConsole.Core.Common;
using BackupConsole.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Core.Tags;

/// <summary>Reads and replaces the tags of the signed-in tenant's resources.</summary>
public sealed class TagService(IDbContextFactory<BackupDbContext> dbFactory, TagRules rules)
{
    /// <summary>Replaces every tag of one resource; the caller has already checked that the resource is the tenant's.</summary>
    public async Task<OperationResult> SetTagsAsync(string resourceId, IReadOnlyCollection<Tag> tags, CancellationToken ct = default)
    {
        var errors = rules.Validate(tags);
        if (errors.Count > 0)
            return OperationResult.Fail(errors);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await StageAsync(db, resourceId, tags, ct);
        await db.SaveChangesAsync(ct);
        return OperationResult.Ok();
    }

    /// <summary>Stages the replacement in <paramref name="db"/>, so it commits with the resource change that carries it.</summary>
    public async Task StageAsync(BackupDbContext db, string resourceId, IReadOnlyCollection<Tag> tags, CancellationToken ct)
    {
        db.RequireTenant();
        var existing = await db.Tags.Where(t => t.ResourceId == resourceId).ToListAsync(ct);
        db.Tags.RemoveRange(existing);
        db.Tags.AddRange(tags.Select(t => new ResourceTag { ResourceId = resourceId, Key = t.Key.Trim(), Value = t.Value.Trim() }));
    }

    public IReadOnlyList<FieldError> Validate(IReadOnlyCollection<Tag> tags) => rules.Validate(tags);

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<Tag>>> GetTagsAsync(IReadOnlyCollection<string> resourceIds, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await GetTagsAsync(db, resourceIds, ct);
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<Tag>>> GetTagsAsync(BackupDbContext db, IReadOnlyCollection<string> resourceIds, CancellationToken ct)
    {
        var rows = await db.Tags.AsNoTracking()
            .Where(t => resourceIds.Contains(t.ResourceId))
            .OrderBy(t => t.Key)
            .ToListAsync(ct);
        return rows.GroupBy(t => t.ResourceId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Tag>)g.Select(t => new Tag(t.Key, t.Value)).ToList());
    }

    /// <summary>The IDs of the tenant's resources carrying the tag; an empty value matches any value of the key.</summary>
    public IQueryable<string> ResourcesTagged(BackupDbContext db, string key, string? value) =>
        db.Tags.Where(t => t.Key == key && (string.IsNullOrEmpty(value) || t.Value == value)).Select(t => t.ResourceId);
}
