using System.CommandLine;
using BackupConsole.Core.StoragePools.ObjectStores;
using BackupConsole.Core.StoragePools.Repository;

namespace BackupConsole.Cli;

/// <summary><c>verify --pool URI --backup ID</c>: re-reads every object of a backup and checks every checksum .</summary>
internal static class VerifyCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var pool = CommonOptions.Pool();
        var backup = new Option<string>("--backup") { Description = "The backup's ID (dbsbak-…).", Required = true };
        var command = new Command("verify",
            $"Re-read a backup and check every object's SHA-256; encrypted backups need {CommonOptions.EncryptionKeyVariable}.") { pool, backup };
        command.SetAction((result, ct) => CommonOptions.GuardAsync(result.InvocationConfiguration.Error, async () =>
        {
            var id = result.GetValue(backup)!;
            if (!ObjectKeys.IsValid(id) || id.Contains('/'))
                throw new FormatException($"'{id}' is not a backup ID.");
            var repository = CommonOptions.OpenRepository(result.GetValue(pool)!);
            await using var store = repository.Store;
            await error.WriteLineAsync($"verifying {id} in {store.Location} …");
            var verified = await repository.VerifyAsync(id, CommonOptions.KeyFromEnvironment(), ct);
            await output.WriteLineAsync($"OK {verified.BackupId}: {verified.ObjectCount} objects, {verified.RawBytes} bytes, every checksum matches");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
