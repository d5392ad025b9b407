using System.Formats.Tar;
using BackupConsole.Core.Executors.MySql;
using BackupConsole.Tests.Cli;
using BackupConsole.Tests.TestBed;
using BackupConsole.Core.StoragePools.Repository;

namespace BackupConsole.Tests.Executors;

/// <summary>
/// Snapshot backups (R-SCOPE-1): a copy of the data directory taken with commits blocked, consistent to one instant
/// even while transactions keep committing, restored as a data directory a server starts on (R-PLAN-5).
/// </summary>
[Collection(BackupConsole.Tests.StoragePools.MemoryMeasuredCollection.Name)]
public sealed class MySqlSnapshotTests : IAsyncLifetime
{
    private const int Accounts = 200;
    private readonly string _database = "snap_" + Guid.NewGuid().ToString("N")[..8];
    private RestoredServers _servers = default!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _servers = new RestoredServers(TestServices.RequireMariaDb(), Path.Combine(Path.GetTempPath(), "bc-snap-" + Guid.NewGuid().ToString("N")[..8]));
        await RestoredServers.ExecuteAsync(_servers.SourceConnection,
            $"CREATE DATABASE `{_database}`; USE `{_database}`; " +
            "CREATE TABLE accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL) ENGINE=InnoDB; " +
            $"INSERT INTO accounts SELECT seq, 1000 FROM seq_1_to_{Accounts}; " +
            "CREATE TABLE ledger (id BIGINT AUTO_INCREMENT PRIMARY KEY, amount BIGINT NOT NULL, note VARCHAR(100)) ENGINE=InnoDB; " +
            "CREATE TABLE archive (id INT PRIMARY KEY, body TEXT) ENGINE=Aria; INSERT INTO archive SELECT seq, REPEAT(MD5(seq), 8) FROM seq_1_to_3000;", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await RestoredServers.ExecuteAsync(_servers.SourceConnection, $"DROP DATABASE IF EXISTS `{_database}`", Ct);
        await _servers.DisposeAsync();
    }

    [Fact]
    public async Task A_snapshot_taken_while_transfers_commit_restores_one_instant_of_the_selected_database()
    {
        BackupManifest manifest;
        int during;
        await using (var transfers = new TransferWorkload(_servers.Db.ConnectionString(_database).ConnectionString, Accounts, ", note", ", REPEAT('n', 90)"))
        {
            await transfers.WaitForAsync(100, Ct);
            manifest = await MySqlLogicalRoundTripTests.Runner().RunAsync(
                _servers.Repository, _servers.Source, "snapshot", TableSelection.Parse(_database), null, null, Ct);
            during = transfers.Transfers;
        }

        Assert.Equal("snapshot", manifest.BackupType);
        Assert.Equal(_database, manifest.Properties["databases"]);
        Assert.True(manifest.Properties.ContainsKey("binlogFile") && manifest.Properties.ContainsKey("gtid"), "the snapshot records its binlog position");
        var copy = await _servers.RestoreAndStartAsync(manifest, Ct);

        Assert.Equal((Accounts * 1000L).ToString(), await RestoredServers.ScalarAsync(copy, TransferWorkload.TotalSql(_database), Ct));
        var ledger = long.Parse(await RestoredServers.ScalarAsync(copy, $"SELECT COUNT(*) FROM `{_database}`.ledger", Ct));
        Assert.InRange(ledger, 100, during + 1);
        // The rows that made it are exactly the source's first rows: nothing torn, nothing from after the instant.
        Assert.Equal(ledger.ToString(), await RestoredServers.ScalarAsync(copy, $"SELECT MAX(id) FROM `{_database}`.ledger", Ct));
        const string rows = "SELECT SUM(CRC32(CONCAT(id, ':', amount, note))) FROM `{0}`.ledger WHERE id <= {1}";
        Assert.Equal(
            await RestoredServers.ScalarAsync(_servers.SourceConnection, string.Format(rows, _database, ledger), Ct),
            await RestoredServers.ScalarAsync(copy, string.Format(rows, _database, ledger), Ct));
        Assert.Equal(
            await RestoredServers.ScalarAsync(_servers.SourceConnection, $"CHECKSUM TABLE `{_database}`.archive EXTENDED", Ct),
            await RestoredServers.ScalarAsync(copy, $"CHECKSUM TABLE `{_database}`.archive EXTENDED", Ct));
        // Only the selected database (and the server's own) came along.
        var databases = await RestoredServers.ScalarAsync(copy,
            "SELECT GROUP_CONCAT(SCHEMA_NAME ORDER BY SCHEMA_NAME) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys')", Ct);
        Assert.Equal(_database, databases);
    }

    [Fact]
    public async Task A_snapshot_refuses_single_tables_and_unknown_databases_and_leaves_nothing()
    {
        var tables = await Assert.ThrowsAsync<MySqlBackupException>(() => MySqlLogicalRoundTripTests.Runner().RunAsync(
            _servers.Repository, _servers.Source, "snapshot", TableSelection.Parse($"{_database}.accounts"), null, null, Ct));
        var unknown = await Assert.ThrowsAsync<MySqlBackupException>(() => MySqlLogicalRoundTripTests.Runner().RunAsync(
            _servers.Repository, _servers.Source, "snapshot", TableSelection.Parse("no_such_database"), null, null, Ct));

        Assert.Contains("whole databases", tables.Message);
        Assert.Contains("no_such_database", unknown.Message);
        Assert.Empty(await _servers.SetsAsync(Ct));
    }

    [Fact]
    public async Task The_command_line_snapshots_the_server_and_restores_it_into_a_started_server()
    {
        var pool = "file://" + Path.Combine(_servers.Root, "clipool");
        var source = _servers.SourceUri + "/";
        var backup = await CommandLineRun.RunAsync("backup", "--source", source, "--type", "snapshot", "--pool", pool);
        Assert.True(backup.Code == 0, backup.Err);
        var id = backup.Out.Trim().Split('\n').Last();
        Assert.Contains("with commits blocked for", backup.Err);

        var verify = await CommandLineRun.RunAsync("verify", "--pool", pool, "--backup", id, "--prepare");
        Assert.True(verify.Code == 0, verify.Err);
        Assert.Contains("the snapshot extracts into a complete data directory", verify.Out);

        var target = Path.Combine(_servers.Root, "cli-restore");
        var occupied = Directory.CreateDirectory(Path.Combine(_servers.Root, "occupied"));
        await File.WriteAllTextAsync(Path.Combine(occupied.FullName, "keep.txt"), "mine", Ct);
        var refused = await CommandLineRun.RunAsync("restore", "--pool", pool, "--backup", id, "--target", "file://" + occupied.FullName);
        Assert.Equal(1, refused.Code);
        Assert.Contains("not empty", refused.Err);
        Assert.Equal("mine", await File.ReadAllTextAsync(Path.Combine(occupied.FullName, "keep.txt"), Ct));

        var restore = await CommandLineRun.RunAsync("restore", "--pool", pool, "--backup", id, "--target", "file://" + target);
        Assert.True(restore.Code == 0, restore.Err);
        Assert.True(File.Exists(Path.Combine(target, _database, "accounts.ibd")));
        Assert.False(Directory.EnumerateFiles(target, "ibtmp*").Any(), "the temporary tablespace is the running server's, not data");
    }

    [Fact]
    public async Task A_snapshot_archive_with_an_entry_outside_the_target_is_refused()
    {
        var outside = Path.Combine(_servers.Root, "outside.txt");
        foreach (var (name, type) in new[] { ("../outside.txt", TarEntryType.RegularFile), ("/etc/evil", TarEntryType.RegularFile), ("link", TarEntryType.SymbolicLink) })
        {
            using var archive = new MemoryStream();
            await using (var writer = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
            {
                var entry = new PaxTarEntry(type, name);
                if (type == TarEntryType.SymbolicLink)
                    entry.LinkName = "/etc";
                else
                    entry.DataStream = new MemoryStream("x"u8.ToArray());
                await writer.WriteEntryAsync(entry, Ct);
            }
            archive.Position = 0;
            var target = Directory.CreateDirectory(Path.Combine(_servers.Root, "hostile-" + Guid.NewGuid().ToString("N")[..6])).FullName;

            await Assert.ThrowsAsync<InvalidDataException>(() => SnapshotArchive.ExtractAsync(archive, target, Ct));

            Assert.False(File.Exists(outside));
            Assert.Empty(Directory.EnumerateFileSystemEntries(target));
        }
    }
}
