using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Tests.Cli;
using BackupConsole.Tests.TestBed;

namespace BackupConsole.Tests.Executors;

/// <summary>
/// Incremental backups (R-SCOPE-1): each takes only the pages changed since its parent's LSN, the manifest records the
/// parent and the LSN range, and a restore applies the whole chain in order onto the full backup (R-PLAN-5).
/// </summary>
[Collection(BackupConsole.Tests.StoragePools.MemoryMeasuredCollection.Name)]
public sealed class MariaBackupIncrementalTests : IAsyncLifetime
{
    private readonly string _database = "incr_" + Guid.NewGuid().ToString("N")[..8];
    private RestoredServers _servers = default!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Table => $"`{_database}`.t";

    public async ValueTask InitializeAsync()
    {
        _servers = new RestoredServers(TestServices.RequireMariaDb(), Path.Combine(Path.GetTempPath(), "bc-incr-" + Guid.NewGuid().ToString("N")[..8]));
        await RestoredServers.ExecuteAsync(_servers.SourceConnection, $"CREATE DATABASE `{_database}`; USE `{_database}`; CREATE TABLE {Table} (id INT PRIMARY KEY, v VARCHAR(60), b BLOB) ENGINE=InnoDB; " +
                           $"INSERT INTO {Table} SELECT seq, CONCAT('row ', seq), RANDOM_BYTES(200) FROM seq_1_to_20000;", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await RestoredServers.ExecuteAsync(_servers.SourceConnection, $"DROP DATABASE IF EXISTS `{_database}`", Ct);
        await _servers.DisposeAsync();
    }

    private Task ExecuteAsync(string sql) => RestoredServers.ExecuteAsync(_servers.Db.ConnectionString(_database).ConnectionString, sql, Ct);

    private Task<BackupManifest> BackupAsync(string type, string? baseId = null) =>
        MySqlLogicalRoundTripTests.Runner().RunAsync(_servers.Repository, _servers.Source, type, TableSelection.Everything, null, null, Ct, baseId);

    [Fact]
    public async Task A_chain_of_two_incrementals_restores_to_the_state_of_the_last()
    {
        var full = await BackupAsync("physical");
        await ExecuteAsync($"INSERT INTO {Table} SELECT seq, CONCAT('second ', seq), RANDOM_BYTES(200) FROM seq_20001_to_25000; " +
                           $"UPDATE {Table} SET v = 'changed once' WHERE id <= 1000;");
        // No base named: the newest physical or incremental backup of this server in the pool.
        var first = await BackupAsync("incremental");
        await ExecuteAsync($"DELETE FROM {Table} WHERE id % 7 = 0; UPDATE {Table} SET v = 'changed twice' WHERE id % 11 = 0;");
        var second = await BackupAsync("incremental", first.BackupId);
        var expected = await RestoredServers.ScalarAsync(_servers.SourceConnection, $"CHECKSUM TABLE {Table} EXTENDED", Ct);
        var expectedRows = await RestoredServers.ScalarAsync(_servers.SourceConnection, $"SELECT COUNT(*) FROM {Table}", Ct);

        Assert.Equal(full.BackupId, first.ParentBackupId);
        Assert.Equal(first.BackupId, second.ParentBackupId);
        Assert.Equal(first.Properties[LsnCheckpoints.ToProperty], second.Properties[LsnCheckpoints.FromProperty]);
        Assert.True(first.RawBytes < full.RawBytes, $"the incremental ({first.RawBytes} bytes) takes only changed pages, not the whole server ({full.RawBytes})");

        var copy = await _servers.RestoreAndStartAsync(second, Ct);

        Assert.Equal(expected, await RestoredServers.ScalarAsync(copy, $"CHECKSUM TABLE {Table} EXTENDED", Ct));
        Assert.Equal(expectedRows, await RestoredServers.ScalarAsync(copy, $"SELECT COUNT(*) FROM {Table}", Ct));
    }

    [Fact]
    public async Task An_incremental_refuses_a_logical_base_and_leaves_nothing()
    {
        var logical = await MySqlLogicalRoundTripTests.Runner().RunAsync(
            _servers.Repository, _servers.Source, "logical", TableSelection.Parse(_database), null, null, Ct);

        var error = await Assert.ThrowsAsync<MySqlBackupException>(() => BackupAsync("incremental", logical.BackupId));

        Assert.Contains("builds on a physical or incremental backup", error.Message);
        Assert.Equal([logical.BackupId], (await _servers.SetsAsync(Ct)).Select(m => m.BackupId));
    }

    [Fact]
    public async Task Restoring_an_incremental_whose_parent_is_gone_names_the_parent_and_writes_nothing()
    {
        var full = await BackupAsync("physical");
        await ExecuteAsync($"UPDATE {Table} SET v = 'after the full backup' WHERE id < 100");
        var incremental = await BackupAsync("incremental");
        await _servers.Repository.DeleteSetAsync(full.BackupId, Ct);
        var target = Path.Combine(_servers.Root, "orphan");

        var error = await Assert.ThrowsAsync<BackupNotFoundException>(() =>
            new MySqlDataDirectoryRestore(Microsoft.Extensions.Logging.Abstractions.NullLogger<MySqlDataDirectoryRestore>.Instance)
                .RestoreAsync(_servers.Repository, incremental, null, target, null, Ct));

        Assert.Contains(full.BackupId, error.Message);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task The_command_line_takes_an_incremental_on_a_named_base_and_verify_checks_the_chain()
    {
        var pool = "file://" + Path.Combine(_servers.Root, "clipool");
        var source = _servers.SourceUri;
        var full = await CommandLineRun.RunAsync("backup", "--source", source, "--type", "physical", "--pool", pool);
        Assert.True(full.Code == 0, full.Err);
        var fullId = full.Out.Trim().Split('\n').Last();
        await ExecuteAsync($"UPDATE {Table} SET v = 'cli' WHERE id < 500");

        var incremental = await CommandLineRun.RunAsync("backup", "--source", source, "--type", "incremental", "--base", fullId, "--pool", pool);
        Assert.True(incremental.Code == 0, incremental.Err);
        var id = incremental.Out.Trim().Split('\n').Last();
        var verify = await CommandLineRun.RunAsync("verify", "--pool", pool, "--backup", id, "--prepare");
        var list = await CommandLineRun.RunAsync("list", "--pool", pool);

        Assert.True(verify.Code == 0, verify.Err);
        Assert.Contains($"its chain is complete ({fullId} → {id})", verify.Out);
        Assert.Contains("mariabackup --prepare succeeded", verify.Out);
        Assert.Contains(list.Out.Split('\n'), line => line.StartsWith(id) && line.Contains("incremental"));

        var missingBase = await CommandLineRun.RunAsync("backup", "--source", source, "--type", "incremental", "--base", "dbsbak-missing0", "--pool", pool);
        Assert.Equal(3, missingBase.Code);
        Assert.Contains("dbsbak-missing0", missingBase.Err);
    }
}
