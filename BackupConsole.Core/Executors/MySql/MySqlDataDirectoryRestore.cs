using BackupConsole.Core.StoragePools.Repository;
using Microsoft.Extensions.Logging;

namespace BackupConsole.Core.Executors.MySql;

/// <summary>
/// Restores a physical, incremental or snapshot backup into a new data directory that a server can start on
/// (R-PLAN-5): physical sets are extracted and prepared; an incremental's chain is extracted and its deltas applied
/// in order onto the prepared full backup; a snapshot is already a consistent copy and is only extracted.
/// </summary>
public sealed class MySqlDataDirectoryRestore(ILogger<MySqlDataDirectoryRestore> logger)
{
    public static readonly IReadOnlyList<string> Types = ["physical", "incremental", "snapshot"];

    public async Task RestoreAsync(
        BackupRepository repository, BackupManifest manifest, EncryptionKey? key, string targetDirectory, IProgress<string>? progress, CancellationToken ct)
    {
        if (!Types.Contains(manifest.BackupType))
            throw new MySqlBackupException(
                $"Backup {manifest.BackupId} is a {manifest.BackupType} backup; only physical, incremental and snapshot backups restore into a data directory.");
        if (Directory.Exists(targetDirectory) && Directory.EnumerateFileSystemEntries(targetDirectory).Any())
            throw new MySqlBackupException($"{targetDirectory} is not empty; restore into a new directory.");

        // Resolve the whole chain before writing anything, so a missing parent fails before any work is done.
        var chain = manifest.BackupType == "incremental"
            ? await BackupChain.ResolveAsync(repository, manifest, ct)
            : [manifest];
        if (chain[0].BackupType != "physical" && manifest.BackupType == "incremental")
            throw new MySqlBackupException($"The chain of {manifest.BackupId} starts at {chain[0].BackupId}, a {chain[0].BackupType} backup, not a physical one.");
        Directory.CreateDirectory(targetDirectory);
        TransferProgress.Total(progress, chain.Count);
        if (progress is TransferProgress meter)
            meter.TotalBytes = chain.Sum(set => set.RawBytes);

        if (manifest.BackupType == "snapshot")
        {
            progress?.Report($"extracting snapshot {manifest.BackupId} into {targetDirectory}");
            await using var data = await repository.OpenObjectAsync(manifest, MySqlSnapshotBackup.ArchiveObject, key, ct);
            await SnapshotArchive.ExtractAsync(data, targetDirectory, ct);
            TransferProgress.Count(progress, 1);
            logger.LogInformation("Snapshot {BackupId} extracted into {Directory}", manifest.BackupId, targetDirectory);
            return;
        }

        var tool = PhysicalTool.Named(chain[0].Properties.GetValueOrDefault("tool"));
        await ExtractAsync(repository, chain[0], key, tool, targetDirectory, progress, ct);
        progress?.Report($"{tool.Backup} --prepare ({chain[0].BackupId})");
        await PrepareAsync(tool, targetDirectory, incrementalDirectory: null, applyLogOnly: tool.NeedsApplyLogOnly && chain.Count > 1, ct);
        TransferProgress.Count(progress, 1);

        // Deltas are extracted beside the target, so a restore needs no more room than the target's file system offers.
        var scratchRoot = Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(targetDirectory)))!,
            $".{Path.GetFileName(Path.TrimEndingDirectorySeparator(targetDirectory))}-incremental");
        try
        {
            for (var i = 1; i < chain.Count; i++)
            {
                var delta = Path.Combine(scratchRoot, chain[i].BackupId);
                Directory.CreateDirectory(delta);
                await ExtractAsync(repository, chain[i], key, tool, delta, progress, ct);
                progress?.Report($"{tool.Backup} --prepare --incremental-dir ({chain[i].BackupId}, {i} of {chain.Count - 1})");
                await PrepareAsync(tool, targetDirectory, delta, applyLogOnly: tool.NeedsApplyLogOnly && i < chain.Count - 1, ct);
                Directory.Delete(delta, recursive: true);
                TransferProgress.Count(progress, 1);
            }
        }
        finally
        {
            if (Directory.Exists(scratchRoot))
                Directory.Delete(scratchRoot, recursive: true);
        }
        logger.LogInformation("Backup {BackupId} ({Count} set(s) in its chain) prepared in {Directory}", manifest.BackupId, chain.Count, targetDirectory);
    }

    private static async Task ExtractAsync(
        BackupRepository repository, BackupManifest set, EncryptionKey? key, PhysicalTool tool, string directory, IProgress<string>? progress, CancellationToken ct)
    {
        progress?.Report($"{tool.Extract} -x {set.BackupId} into {directory}");
        await using var extract = ToolProcess.Start(tool.Extract, ["-x", "-C", directory], redirectInput: true);
        await using (var data = await repository.OpenObjectAsync(set, MariaBackupPhysical.StreamObject, key, ct))
            await data.CopyToAsync(extract.StandardInput, 1 << 20, ct);
        extract.StandardInput.Close();
        await extract.WaitForSuccessAsync($"{tool.Extract} -x", ct);
    }

    private static async Task PrepareAsync(PhysicalTool tool, string target, string? incrementalDirectory, bool applyLogOnly, CancellationToken ct)
    {
        var arguments = new List<string> { "--prepare", $"--target-dir={target}" };
        if (applyLogOnly)
            arguments.Add("--apply-log-only");
        if (incrementalDirectory is not null)
            arguments.Add($"--incremental-dir={incrementalDirectory}");
        await using var prepare = ToolProcess.Start(tool.Backup, arguments);
        await prepare.WaitForSuccessAsync($"{tool.Backup} --prepare", ct);
    }
}
