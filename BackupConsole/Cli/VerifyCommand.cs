using System.CommandLine;
using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.StoragePools.ObjectStores;
using BackupConsole.Core.StoragePools.Repository;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupConsole.Cli;

/// <summary><c>verify --pool URI --backup ID</c>: re-reads every object of a backup and checks every checksum (X-2).</summary>
internal static class VerifyCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var pool = CommonOptions.Pool();
        var backup = new Option<string>("--backup") { Description = "The backup's ID (dbsbak-…).", Required = true };
        var prepare = new Option<bool>("--prepare")
        {
            Description = "Physical, incremental and snapshot backups: also restore into a temporary data directory (extract, apply the chain, mariabackup --prepare), removed afterwards.",
        };
        var command = new Command("verify",
            $"Re-read a backup and check every object's SHA-256; encrypted backups need {CommonOptions.EncryptionKeyVariable}.") { pool, backup, prepare };
        command.SetAction((result, ct) => CommonOptions.GuardAsync(result.InvocationConfiguration.Error, async () =>
        {
            var id = result.GetValue(backup)!;
            if (!ObjectKeys.IsValid(id) || id.Contains('/'))
                throw new FormatException($"'{id}' is not a backup ID.");
            var repository = CommonOptions.OpenRepository(result.GetValue(pool)!);
            await using var store = repository.Store;
            await error.WriteLineAsync($"verifying {id} in {store.Location} …");
            var key = CommonOptions.KeyFromEnvironment();
            var verified = await repository.VerifyAsync(id, key, ct);
            await output.WriteLineAsync($"OK {verified.BackupId}: {verified.ObjectCount} objects, {verified.RawBytes} bytes, every checksum matches");
            var set = (await repository.ReadManifestAsync(id, ct))!;
            if (set.ParentBackupId is not null)
            {
                // An incremental is only as good as its chain: every set it builds on must still be there.
                var chain = await BackupChain.ResolveAsync(repository, set, ct);
                await output.WriteLineAsync($"OK {id}: its chain is complete ({string.Join(" → ", chain.Select(m => m.BackupId))})");
            }
            if (result.GetValue(prepare))
            {
                var manifest = set;
                if (!MySqlDataDirectoryRestore.Types.Contains(manifest.BackupType))
                    throw new FormatException($"--prepare applies to physical, incremental and snapshot backups; {id} is {manifest.BackupType}.");
                var scratch = Directory.CreateTempSubdirectory("bc-verify-");
                try
                {
                    await Engines.DataDirectoryRestore()
                        .RestoreAsync(repository, manifest, key, Path.Combine(scratch.FullName, "datadir"), new StderrProgress(error), ct);
                    await output.WriteLineAsync(manifest.BackupType == "snapshot"
                        ? $"OK {id}: the snapshot extracts into a complete data directory"
                        : $"OK {id}: mariabackup --prepare succeeded");
                }
                finally
                {
                    scratch.Delete(recursive: true);
                }
            }
            return ExitCodes.Ok;
        }));
        return command;
    }
}
