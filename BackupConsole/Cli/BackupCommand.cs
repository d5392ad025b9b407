using System.CommandLine;
using BackupConsole.Core.Executors;
using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.StoragePools.Repository;

namespace BackupConsole.Cli;

/// <summary>
/// <c>backup --source URI --type logical|physical|snapshot|incremental --pool URI [--include db1,db2.table1] [--base ID]</c>: progress on stderr, the new backup's
/// ID as the last line of stdout. Sets are encrypted when <c>BACKUPCONSOLE_ENCRYPTION_KEY</c> is set.
/// </summary>
internal static class BackupCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var source = new Option<string>("--source")
        {
            Description = $"What to back up: mysql://USER:PASSWORD@HOST:PORT[?datadir=/path] (password also from {MySqlEndpoint.PasswordVariable}; physical, snapshot and incremental need datadir).",
            Required = true,
        };
        var type = new Option<string>("--type") { Description = "The backup type.", Required = true };
        type.AcceptOnlyFromAmong([.. MySqlBackupRunner.SupportedTypes]);
        var pool = CommonOptions.Pool();
        var include = new Option<string?>("--include") { Description = "Databases and tables to take, e.g. db1,db2.table1 (default: every user database)." };
        var baseId = new Option<string?>("--base")
        {
            Description = "Incremental: the backup to build on (dbsbak-…); default: the newest physical or incremental backup of the same server and selection in the pool.",
        };
        var command = new Command("backup", "Back up a source into a pool.") { source, type, pool, include, baseId };
        command.SetAction((result, ct) => CommonOptions.GuardAsync(error, async () =>
        {
            var endpoint = MySqlEndpoint.Parse(result.GetValue(source)!);
            var selection = TableSelection.Parse(result.GetValue(include));
            var key = CommonOptions.KeyFromEnvironment();
            await using var store = PoolUri.Open(result.GetValue(pool)!);
            await store.EnsureBucketAsync(ct);
            var repository = new BackupRepository(store, new RepositoryOptions { Encryption = key }, TimeProvider.System);
            var manifest = await Engines.MySqlRunner().RunAsync(
                repository, endpoint, result.GetValue(type)!, selection, planId: null, new StderrProgress(error), ct, result.GetValue(baseId));
            await error.WriteLineAsync($"done: {manifest.Objects.Count} objects, {manifest.RawBytes} bytes ({manifest.StoredBytes} stored)");
            await output.WriteLineAsync(manifest.BackupId);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
