using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Tests.Cli;
using BackupConsole.Tests.TestBed;

namespace BackupConsole.Tests.Executors;

/// <summary>
/// Physical backups through mariabackup restore into a data directory a new server starts on (R-SCOPE-1, R-PLAN-5).
/// They copy the whole shared test server, so they run alone, not beside tests creating and dropping databases in it.
/// </summary>
[Collection(BackupConsole.Tests.StoragePools.MemoryMeasuredCollection.Name)]
public sealed class MariaBackupPhysicalTests : IAsyncLifetime
{
    private readonly string _database = "phys_" + Guid.NewGuid().ToString("N")[..8];
    private RestoredServers _servers = default!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _servers = new RestoredServers(TestServices.RequireMariaDb(), Path.Combine(Path.GetTempPath(), "bc-phys-" + Guid.NewGuid().ToString("N")[..8]));
        await RestoredServers.ExecuteAsync(_servers.SourceConnection,
            $"CREATE DATABASE `{_database}`; CREATE TABLE `{_database}`.t (id INT PRIMARY KEY, v VARCHAR(40), b BLOB) ENGINE=InnoDB; " +
            $"USE `{_database}`; INSERT INTO t SELECT seq, CONCAT('row ', seq), RANDOM_BYTES(64) FROM seq_1_to_5000;", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await RestoredServers.ExecuteAsync(_servers.SourceConnection, $"DROP DATABASE IF EXISTS `{_database}`", Ct);
        await _servers.DisposeAsync();
    }

    [Fact]
    public async Task A_physical_backup_restores_into_a_server_that_holds_the_same_rows()
    {
        var manifest = await MySqlLogicalRoundTripTests.Runner().RunAsync(_servers.Repository, _servers.Source, "physical", TableSelection.Everything, null, null, Ct);
        Assert.Equal("physical", manifest.BackupType);
        await _servers.Repository.VerifyAsync(manifest.BackupId, null, Ct);

        var copy = await _servers.RestoreAndStartAsync(manifest, Ct);

        Assert.Equal(
            await RestoredServers.ScalarAsync(_servers.SourceConnection, $"CHECKSUM TABLE `{_database}`.t EXTENDED", Ct),
            await RestoredServers.ScalarAsync(copy, $"CHECKSUM TABLE `{_database}`.t EXTENDED", Ct));
        Assert.Equal("5000", await RestoredServers.ScalarAsync(copy, $"SELECT COUNT(*) FROM `{_database}`.t", Ct));
    }

    [Theory]
    [InlineData("physical")]
    [InlineData("snapshot")]
    [InlineData("incremental")]
    public async Task A_data_directory_backup_without_the_data_directory_fails_clearly_and_leaves_nothing(string type)
    {
        var source = _servers.Source with { DataDirectory = null };

        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            MySqlLogicalRoundTripTests.Runner().RunAsync(_servers.Repository, source, type, TableSelection.Everything, null, null, Ct));

        Assert.Contains(type == "incremental" ? "physical backup" : "data directory", error.Message);
        Assert.Empty(await _servers.SetsAsync(Ct));
    }

    [Fact]
    public async Task The_command_line_backs_up_physically_and_verify_prepare_proves_the_set_restorable()
    {
        var pool = "file://" + Path.Combine(_servers.Root, "clipool");
        var source = _servers.SourceUri;

        var backup = await CommandLineRun.RunAsync("backup", "--source", source, "--type", "physical", "--pool", pool);
        Assert.True(backup.Code == 0, backup.Err);
        var id = backup.Out.Trim().Split('\n').Last();

        var verify = await CommandLineRun.RunAsync("verify", "--pool", pool, "--backup", id, "--prepare");
        Assert.True(verify.Code == 0, verify.Err);
        Assert.Contains("mariabackup --prepare succeeded", verify.Out);
    }
}
