using BackupConsole.Core.StoragePools.Repository;

namespace BackupConsole.Core.Executors.Redis;

/// <summary>Runs one Redis backup into a repository and commits it: the same path for the UI, the API and the command line.</summary>
public sealed class RedisBackupRunner(RedisLogicalBackup logical, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> SupportedTypes = ["logical"];

    public Task<BackupManifest> RunAsync(
        BackupRepository repository, RedisEndpoint source, string type, string? planId, IProgress<string>? progress, CancellationToken ct, string? backupId = null)
    {
        if (!SupportedTypes.Contains(type))
            throw new BackupException($"Redis backups are logical; '{type}' is not available for Redis.");
        return BackupSetRun.RunAsync(repository, clock, new ManifestSource("redis", source.Description), type, planId, null,
            set => logical.RunAsync(source, set, progress, ct), ct, backupId);
    }
}
