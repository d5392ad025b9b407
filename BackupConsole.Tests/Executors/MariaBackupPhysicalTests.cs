using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.StoragePools.ObjectStores;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Tests.TestBed;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;

namespace BackupConsole.Tests.Executors;

/// <summary>
/// Physical backups through mariabackup restore into a data directory a new server starts on (R-SCOPE-1, R-PLAN-5).
/// They copy the whole shared test server, so they run alone, not beside tests creating and dropping databases in it.
/// </summary>
[Collection(BackupConsole.Tests.StoragePools.MemoryMeasuredCollection.Name)]
public sealed class MariaBackupPhysicalTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bc-phys-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _database = "phys_" + Guid.NewGuid().ToString("N")[..8];
    private MariaDbService _db = default!;
    private int? _startedServer;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _db = TestServices.RequireMariaDb();
        await ExecuteAsync(_db.ConnectionString().ConnectionString,
            $"CREATE DATABASE `{_database}`; CREATE TABLE `{_database}`.t (id INT PRIMARY KEY, v VARCHAR(40), b BLOB) ENGINE=InnoDB; " +
            $"USE `{_database}`; INSERT INTO t SELECT seq, CONCAT('row ', seq), RANDOM_BYTES(64) FROM seq_1_to_5000;");
    }

    public async ValueTask DisposeAsync()
    {
        if (_startedServer is { } pid)
        {
            using var server = Process.GetProcessById(pid);
            server.Kill();
            await server.WaitForExitAsync();
        }
        await ExecuteAsync(_db.ConnectionString().ConnectionString, $"DROP DATABASE IF EXISTS `{_database}`");
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await new MySqlCommand(sql, connection).ExecuteNonQueryAsync(Ct);
    }

    private static async Task<string> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var reader = await new MySqlCommand(sql, connection).ExecuteReaderAsync(Ct);
        await reader.ReadAsync(Ct);
        return reader.GetValue(reader.FieldCount - 1).ToString()!;
    }

    [Fact]
    public async Task A_physical_backup_restores_into_a_server_that_holds_the_same_rows()
    {
        var store = new LocalDiskObjectStore(_root, "pool");
        await store.EnsureBucketAsync(Ct);
        var repository = new BackupRepository(store, new RepositoryOptions(), TimeProvider.System);
        var source = new MySqlEndpoint(_db.Host, _db.Port, _db.User, _db.Password, _db.DataDir);

        var manifest = await MySqlLogicalRoundTripTests.Runner().RunAsync(repository, source, "physical", TableSelection.Everything, null, null, Ct);
        Assert.Equal("physical", manifest.BackupType);
        await repository.VerifyAsync(manifest.BackupId, null, Ct);

        var restored = Path.Combine(_root, "datadir");
        await new MariaBackupPhysical(NullLogger<MariaBackupPhysical>.Instance).RestoreAsync(repository, manifest, null, restored, null, Ct);
        var port = FreePort();
        _startedServer = await MariaDbServerProcess.StartAsync(restored, port, Ct);

        var copyString = new MySqlConnectionStringBuilder(_db.ConnectionString().ConnectionString) { Port = (uint)port }.ConnectionString;
        Assert.Equal(
            await ScalarAsync(_db.ConnectionString().ConnectionString, $"CHECKSUM TABLE `{_database}`.t EXTENDED"),
            await ScalarAsync(copyString, $"CHECKSUM TABLE `{_database}`.t EXTENDED"));
        Assert.Equal("5000", await ScalarAsync(copyString, $"SELECT COUNT(*) FROM `{_database}`.t"));
    }

    [Fact]
    public async Task A_physical_backup_without_the_data_directory_fails_clearly_and_leaves_nothing()
    {
        var store = new LocalDiskObjectStore(_root, "pool");
        await store.EnsureBucketAsync(Ct);
        var repository = new BackupRepository(store, new RepositoryOptions(), TimeProvider.System);
        var source = new MySqlEndpoint(_db.Host, _db.Port, _db.User, _db.Password, DataDirectory: null);

        var error = await Assert.ThrowsAsync<MySqlBackupException>(() =>
            MySqlLogicalRoundTripTests.Runner().RunAsync(repository, source, "physical", TableSelection.Everything, null, null, Ct));

        Assert.Contains("data directory", error.Message);
        var sets = new List<BackupManifest>();
        await foreach (var m in repository.ListSetsAsync(Ct))
            sets.Add(m);
        Assert.Empty(sets);
    }

    [Fact]
    public async Task The_command_line_backs_up_physically_and_verify_prepare_proves_the_set_restorable()
    {
        var pool = "file://" + Path.Combine(_root, "clipool");
        var source = $"mysql://{_db.User}:{Uri.EscapeDataString(_db.Password)}@{_db.Host}:{_db.Port}?datadir={_db.DataDir}";

        var backup = await BackupConsole.Tests.Cli.CommandLineRun.RunAsync("backup", "--source", source, "--type", "physical", "--pool", pool);
        Assert.True(backup.Code == 0, backup.Err);
        var id = backup.Out.Trim().Split('\n').Last();

        var verify = await BackupConsole.Tests.Cli.CommandLineRun.RunAsync("verify", "--pool", pool, "--backup", id, "--prepare");
        Assert.True(verify.Code == 0, verify.Err);
        Assert.Contains("mariabackup --prepare succeeded", verify.Out);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
