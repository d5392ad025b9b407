using System.CommandLine;
using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.StoragePools.ObjectStores;
using BackupConsole.Core.StoragePools.Repository;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupConsole.Cli;

/// <summary><c>verify --pool URI --backup ID</c>: re-reads every object of a backup and checks every checksum .</summary>
internal static class VerifyCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var pool = CommonOptions.Pool();
        var backup = new Option<string>("--backup") { Description = "The backup's ID (dbsbak-…).", Required = true };
        var prepare = new Option<bool>("--prepare")
        {
            Description = "Physical backups: also extract and run mariabackup --prepare in a temporary directory, which is removed afterwards.",
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
            if (result.GetValue(prepare))
            {
                var manifest = (await repository.ReadManifestAsync(id, ct))!;
                if (manifest.BackupType != "physical")
                    throw new FormatException($"--prepare applies to physical backups; {id} is {manifest.BackupType}.");
                var scratch = Directory.CreateTempSubdirectory("bc-verify-");
                try
                {
                    await new MariaBackupPhysical(NullLogger<MariaBackupPhysical>.Instance)
                        .RestoreAsync(repository, manifest, key, Path.Combine(scratch.FullName, "datadir"), new StderrProgress(error), ct);
                    await output.WriteLineAsync($"OK {id}: mariabackup --prepare succeeded");
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
