using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Core.Tenancy;

namespace BackupConsole.Core.Executors;

/// <summary>
/// Opens a new set, lets an engine fill it and commits it; a failure disposes the set, which removes what it wrote.
/// A plan's run names the set's id up front (<paramref name="backupId"/>), so its backup-data row and the manifest match.
/// </summary>
internal static class BackupSetRun
{
    public static async Task<BackupManifest> RunAsync(
        BackupRepository repository, TimeProvider clock, ManifestSource source, string type, string? planId, string? parentId,
        Func<BackupSetWriter, Task<IReadOnlyDictionary<string, string>>> engine, CancellationToken ct, string? backupId = null)
    {
        var header = new BackupSetHeader(backupId ?? ResourceIds.New(ResourceIds.BackupSet), source, type, clock.GetUtcNow(), planId, parentId);
        await using var set = repository.CreateSet(header);
        var properties = await engine(set);
        return await set.CommitAsync(properties, ct);
    }
}
