namespace BackupConsole.Core.StoragePools.Repository;

/// <summary>
/// An incremental backup and every set it builds on, oldest (the full backup) first: what a restore applies in order,
/// and what retention and deletion must keep while the incremental is kept.
/// </summary>
public static class BackupChain
{
    /// <summary>A chain longer than this is a loop in damaged manifests, not a real chain.</summary>
    public const int MaxLength = 1000;

    public static async Task<IReadOnlyList<BackupManifest>> ResolveAsync(BackupRepository repository, BackupManifest last, CancellationToken ct)
    {
        var chain = new List<BackupManifest> { last };
        var seen = new HashSet<string>(StringComparer.Ordinal) { last.BackupId };
        while (chain[^1].ParentBackupId is { } parentId)
        {
            if (!seen.Add(parentId) || chain.Count >= MaxLength)
                throw new InvalidDataException($"The chain of backup {last.BackupId} loops back to {parentId}.");
            var parent = await repository.ReadManifestAsync(parentId, ct)
                         ?? throw new BackupNotFoundException(parentId, repository.Store.Location,
                             $"Backup {chain[^1].BackupId} builds on {parentId}, which is not in {repository.Store.Location}; the chain cannot be restored.");
            chain.Add(parent);
        }
        chain.Reverse();
        return chain;
    }
}
