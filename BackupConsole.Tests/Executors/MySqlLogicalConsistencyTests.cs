using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.StoragePools.ObjectStores;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Tests.Support;
using BackupConsole.Tests.TestBed;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;

namespace BackupConsole.Tests.Executors;

/// <summary>Issue #5: a logical backup is one snapshot even while writes go on, and a million-row table comes back whole.</summary>
public sealed class MySqlLogicalConsistencyTests : IAsyncLifetime
{
    private const int Accounts = 200;
    private const long Total = Accounts * 1000L;
    private readonly string _poolRoot = Path.Combine(Path.GetTempPath(), "bc-cons-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _source = "cons_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _restored = "consr_" + Guid.NewGuid().ToString("N")[..8];
    private MariaDbService _db = default!;
    private BackupRepository _repository = default!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private MySqlEndpoint Endpoint => new(_db.Host, _db.Port, _db.User, _db.Password, null);

    public async ValueTask InitializeAsync()
    {
        _db = TestServices.RequireMariaDb();
        var store = new LocalDiskObjectStore(_poolRoot, "pool");
        await store.EnsureBucketAsync(Ct);
        _repository = new BackupRepository(store, new RepositoryOptions(), TimeProvider.System);
        await ExecuteAsync($"CREATE DATABASE `{_source}`; USE `{_source}`; " +
                           "CREATE TABLE accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL) ENGINE=InnoDB; " +
                           $"INSERT INTO accounts SELECT seq, 1000 FROM seq_1_to_{Accounts}; " +
                           "CREATE TABLE ledger (id BIGINT AUTO_INCREMENT PRIMARY KEY, amount BIGINT NOT NULL) ENGINE=InnoDB; " +
                           "CREATE TABLE big (id INT PRIMARY KEY, k INT NOT NULL, c CHAR(60) NOT NULL, pad VARCHAR(30) NULL, KEY k (k)) ENGINE=InnoDB; " +
                           "INSERT INTO big SELECT seq, seq % 9973, MD5(seq), IF(seq % 7 = 0, NULL, LEFT(SHA1(seq), 30)) FROM seq_1_to_1000000;");
    }

    public async ValueTask DisposeAsync()
    {
        await ExecuteAsync($"DROP DATABASE IF EXISTS `{_source}`; DROP DATABASE IF EXISTS `{_restored}`;");
        if (Directory.Exists(_poolRoot))
            Directory.Delete(_poolRoot, recursive: true);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new MySqlConnection(_db.ConnectionString().ConnectionString);
        await connection.OpenAsync(Ct);
        await new MySqlCommand(sql, connection) { CommandTimeout = 300 }.ExecuteNonQueryAsync(Ct);
    }

    private async Task<string> ScalarAsync(string sql)
    {
        await using var connection = new MySqlConnection(_db.ConnectionString().ConnectionString);
        await connection.OpenAsync(Ct);
        await using var reader = await new MySqlCommand(sql, connection).ExecuteReaderAsync(Ct);
        await reader.ReadAsync(Ct);
        return reader.GetValue(reader.FieldCount - 1).ToString()!;
    }

    [Fact]
    public async Task The_backup_is_one_snapshot_across_parallel_connections_while_transfers_keep_committing()
    {
        BackupManifest manifest;
        int during;
        var progress = new CollectingProgress();
        await using (var transfers = new TransferWorkload(_db.ConnectionString(_source).ConnectionString, Accounts))
        {
            await transfers.WaitForAsync(50, Ct);
            // Four connections read the three tables: they must still read one instant.
            manifest = await MySqlLogicalRoundTripTests.Runner().RunAsync(
                _repository, Endpoint, "logical", TableSelection.Parse(_source), null, progress, Ct, parallel: 4);
            during = transfers.Transfers;
        }

        await new MySqlLogicalRestore(NullLogger<MySqlLogicalRestore>.Instance)
            .RunAsync(_repository, manifest, null, Endpoint, new Dictionary<string, string> { [_source] = _restored }, null, Ct);

        Assert.Contains("reading tables through 4 connections in one snapshot", progress.Lines);
        Assert.Equal(Total.ToString(), await ScalarAsync(TransferWorkload.TotalSql(_restored)));
        var ledgerRows = long.Parse(await ScalarAsync($"SELECT COUNT(*) FROM `{_restored}`.ledger"));
        Assert.InRange(ledgerRows, 50, during + 1);
        Assert.Equal("1000000", await ScalarAsync($"SELECT COUNT(*) FROM `{_restored}`.big"));
        Assert.Equal(
            await ScalarAsync($"CHECKSUM TABLE `{_source}`.big EXTENDED"),
            await ScalarAsync($"CHECKSUM TABLE `{_restored}`.big EXTENDED"));
        Assert.True(manifest.Objects.Count(o => o.Name.EndsWith(".tsv")) >= 4, "a million rows span several data chunks");
    }
}
