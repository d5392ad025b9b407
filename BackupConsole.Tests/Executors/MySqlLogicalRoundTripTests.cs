using BackupConsole.Core.Executors;
using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.StoragePools.ObjectStores;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Tests.TestBed;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;

namespace BackupConsole.Tests.Executors;

/// <summary>Logical MySQL backups restore row for row and object for object (R-SCOPE-1, R-PLAN-5), against the real MariaDB.</summary>
public sealed class MySqlLogicalRoundTripTests : IAsyncLifetime
{
    private readonly string _poolRoot = Path.Combine(Path.GetTempPath(), "bc-mysql-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _source = "src_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _restored = "dst_" + Guid.NewGuid().ToString("N")[..8];
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
        await ExecuteAsync(null, $"CREATE DATABASE `{_source}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        await ExecuteAsync(_source, Schema);
    }

    public async ValueTask DisposeAsync()
    {
        await ExecuteAsync(null, $"DROP DATABASE IF EXISTS `{_source}`; DROP DATABASE IF EXISTS `{_restored}`");
        if (Directory.Exists(_poolRoot))
            Directory.Delete(_poolRoot, recursive: true);
    }

    private const string Schema = """
        SET time_zone = '+08:00';
        SET sql_mode = 'NO_AUTO_VALUE_ON_ZERO';
        CREATE TABLE every_type (
          id INT AUTO_INCREMENT PRIMARY KEY,
          nullable_text VARCHAR(50) NULL,
          utf TEXT CHARACTER SET utf8mb4,
          latin VARCHAR(20) CHARACTER SET latin1,
          gbk VARCHAR(20) CHARACTER SET gbk,
          bin VARBINARY(64),
          blb LONGBLOB,
          bits BIT(10),
          js JSON,
          dec_big DECIMAL(65,30),
          flt FLOAT,
          dbl DOUBLE,
          dt6 DATETIME(6),
          ts TIMESTAMP(3) NULL,
          zero_date DATE,
          yr YEAR,
          tm TIME(6),
          en ENUM('a','b','c'),
          st SET('x','y','z'),
          geo GEOMETRY NULL,
          pt POINT NULL,
          total DECIMAL(65,30) AS (dec_big * 2) STORED,
          upper_utf VARCHAR(200) AS (UPPER(nullable_text)) VIRTUAL,
          KEY k_total (total)
        ) ENGINE=InnoDB;
        INSERT INTO every_type (id, nullable_text, utf, latin, gbk, bin, blb, bits, js, dec_big, flt, dbl, dt6, ts, zero_date, yr, tm, en, st, geo, pt) VALUES
          (0, '', '备份 😀 tab\there\nnewline \\ backslash', 'café', '中文', 0x00FF0A09005C, REPEAT(0x00FF, 5000), b'1010101010', '{"a": [1, 2.5, "x"], "b": null}',
           12345678901234567890123456789012345.123456789012345678901234567890, 1.0000001, 0.1 + 0.2, '2024-02-29 23:59:59.999999', '2038-01-19 03:14:07.499', '0000-00-00', 2155, '-838:59:59.000000', 'b', 'x,z',
           ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0))'), ST_GeomFromText('POINT(1.5 -2.25)')),
          (7, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
          (8, 'N', '\\N', '', '', '', '', b'0', '[]', -0.000000000000000000000000000001, -3.4e38, 1.7976931348623157e308, '1000-01-01 00:00:00', '1970-01-01 00:00:01', '2000-01-01', 1901, '00:00:00', 'a', '', NULL, NULL);
        CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(20)) ENGINE=InnoDB;
        CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, FOREIGN KEY (parent_id) REFERENCES parent(id)) ENGINE=InnoDB;
        INSERT INTO parent VALUES (1, 'p1'), (2, 'p2');
        INSERT INTO child VALUES (10, 1), (11, 2);
        CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(50));
        CREATE TRIGGER parent_audit AFTER INSERT ON parent FOR EACH ROW INSERT INTO audit (what) VALUES (CONCAT('parent ', NEW.id));
        CREATE VIEW parent_names AS SELECT id, name FROM parent;
        CREATE VIEW parent_names_upper AS SELECT id, UPPER(name) AS name FROM parent_names;
        CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;
        CREATE PROCEDURE add_parent(IN pid INT, IN pname VARCHAR(20)) BEGIN INSERT INTO parent VALUES (pid, pname); END;
        CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM audit WHERE id < 0;
        """;

    private async Task ExecuteAsync(string? database, string sql)
    {
        await using var connection = new MySqlConnection(_db.ConnectionString(database).ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<List<string>> QueryAsync(string sql)
    {
        var builder = _db.ConnectionString();
        builder.AllowZeroDateTime = true;
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(Ct))
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => Text(reader, i))));
        return rows;
    }

    // DECIMAL(65,30) does not fit .NET's decimal; compare its exact text instead.
    private static string Text(MySqlDataReader reader, int i) =>
        reader.IsDBNull(i) ? "NULL"
        : reader.GetDataTypeName(i).Contains("DECIMAL", StringComparison.OrdinalIgnoreCase) ? reader.GetMySqlDecimal(i).ToString()
        : reader.GetValue(i) is byte[] bytes ? Convert.ToHexString(bytes)
        : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "";

    private async Task<BackupManifest> BackupAsync(string? include = null) =>
        await Runner().RunAsync(_repository, Endpoint, "logical", TableSelection.Parse(include ?? _source), null, null, Ct);

    internal static MySqlBackupRunner Runner() => new(
        new MySqlLogicalBackup(NullLogger<MySqlLogicalBackup>.Instance), new MariaBackupPhysical(NullLogger<MariaBackupPhysical>.Instance),
        new MySqlSnapshotBackup(Microsoft.Extensions.Options.Options.Create(new MySqlSnapshotOptions()), NullLogger<MySqlSnapshotBackup>.Instance),
        TimeProvider.System);

    private Task RestoreAsync(BackupManifest manifest) =>
        new MySqlLogicalRestore(NullLogger<MySqlLogicalRestore>.Instance)
            .RunAsync(_repository, manifest, null, Endpoint, new Dictionary<string, string> { [_source] = _restored }, null, Ct);

    [Fact]
    public async Task Every_type_restores_exactly_into_a_new_database()
    {
        var manifest = await BackupAsync();
        await RestoreAsync(manifest);

        foreach (var table in new[] { "every_type", "parent", "child", "audit" })
        {
            var original = await QueryAsync($"SELECT * FROM `{_source}`.`{table}` ORDER BY 1");
            Assert.Equal(original, await QueryAsync($"SELECT * FROM `{_restored}`.`{table}` ORDER BY 1"));
            var checksums = await QueryAsync($"CHECKSUM TABLE `{_source}`.`{table}`, `{_restored}`.`{table}` EXTENDED");
            Assert.True(checksums[0].Split('|')[1] == checksums[1].Split('|')[1], $"CHECKSUM TABLE differs for {table}");
        }
        Assert.Equal(
            (await QueryAsync($"SHOW CREATE TABLE `{_source}`.every_type"))[0].Split('|')[1],
            (await QueryAsync($"SHOW CREATE TABLE `{_restored}`.every_type"))[0].Split('|')[1]);
        Assert.Equal(["1|P1", "2|P2"], await QueryAsync($"SELECT * FROM `{_restored}`.parent_names_upper ORDER BY id"));
        Assert.Equal(["42"], await QueryAsync($"SELECT `{_restored}`.twice(21)"));
        Assert.Single(await QueryAsync($"SELECT * FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '{_restored}'"));
        await ExecuteAsync(_restored, "CALL add_parent(3, 'p3')");
        Assert.Equal(["parent 3"], await QueryAsync($"SELECT what FROM `{_restored}`.audit"));
        Assert.True(manifest.Properties.ContainsKey("binlogFile"));
        Assert.True(manifest.Properties.ContainsKey("binlogPosition"));
    }

    [Fact]
    public async Task Restore_refuses_a_non_empty_existing_database()
    {
        var manifest = await BackupAsync();
        await ExecuteAsync(null, $"CREATE DATABASE `{_restored}`; CREATE TABLE `{_restored}`.keep (id INT)");

        var error = await Assert.ThrowsAsync<MySqlBackupException>(() => RestoreAsync(manifest));

        Assert.Contains("not empty", error.Message);
        Assert.Equal(["keep"], await QueryAsync($"SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{_restored}'"));
    }

    [Fact]
    public async Task A_table_selection_backs_up_only_the_named_tables()
    {
        var manifest = await BackupAsync($"{_source}.parent");
        await RestoreAsync(manifest);

        Assert.Equal(["parent"], await QueryAsync($"SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{_restored}'"));
    }

    [Theory]
    [InlineData("no_such_db_xyz", "Unknown database")]
    [InlineData(null, "Unknown table")]
    public async Task An_unknown_database_or_table_fails_clearly_and_leaves_no_backup(string? include, string message)
    {
        var error = await Assert.ThrowsAsync<MySqlBackupException>(() => BackupAsync(include ?? $"{_source}.no_such_table"));

        Assert.Contains(message, error.Message);
        var sets = new List<BackupManifest>();
        await foreach (var m in _repository.ListSetsAsync(Ct))
            sets.Add(m);
        Assert.Empty(sets);
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(_poolRoot, "pool"), "*", SearchOption.AllDirectories), f => !f.Contains(".uploads"));
    }

    [Fact]
    public async Task A_wrong_password_fails_clearly()
    {
        var wrong = Endpoint with { Password = "not-the-password" };
        var error = await Assert.ThrowsAsync<MySqlBackupException>(() => Runner().RunAsync(_repository, wrong, "logical", TableSelection.Parse(_source), null, null, Ct));

        Assert.Contains("Access denied", error.Message);
        Assert.DoesNotContain("not-the-password", error.Message);
    }

    [Fact]
    public async Task A_user_without_reload_gets_every_row_through_one_connection_when_asking_for_parallel_reads()
    {
        var user = "ro" + Guid.NewGuid().ToString("N")[..8];
        await ExecuteAsync(null, $"CREATE USER '{user}'@'localhost' IDENTIFIED BY 'Reader-{user}'; " +
                                 $"GRANT SELECT, SHOW VIEW, TRIGGER, EVENT, EXECUTE ON `{_source}`.* TO '{user}'@'localhost'; " +
                                 $"GRANT SELECT ON mysql.proc TO '{user}'@'localhost'");
        try
        {
            var progress = new BackupConsole.Tests.Support.CollectingProgress();
            var reader = Endpoint with { User = user, Password = $"Reader-{user}" };
            var manifest = await Runner().RunAsync(_repository, reader, "logical", TableSelection.Parse(_source), null, progress, Ct, parallel: 4);
            await RestoreAsync(manifest);

            Assert.Contains(progress.Lines, l => l.StartsWith("reading tables one at a time: parallel reads of one snapshot need the RELOAD privilege"));
            Assert.Equal(
                await QueryAsync($"SELECT * FROM `{_source}`.every_type ORDER BY 1"),
                await QueryAsync($"SELECT * FROM `{_restored}`.every_type ORDER BY 1"));
        }
        finally
        {
            await ExecuteAsync(null, $"DROP USER IF EXISTS '{user}'@'localhost'");
        }
    }
}
