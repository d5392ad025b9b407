using BackupConsole.Cli;
using BackupConsole.Tests.TestBed;
using MySqlConnector;

namespace BackupConsole.Tests.Cli;

/// <summary>X-3: <c>backup</c> and <c>restore</c> of a logical MySQL backup from the command line, against the real MariaDB.</summary>
public sealed class MySqlCommandLineTests : IAsyncLifetime
{
    private readonly string _pool = Path.Combine(Path.GetTempPath(), "bc-clidb-" + Guid.NewGuid().ToString("N")[..8], "pool");
    private readonly string _source = "clisrc_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _restored = "clidst_" + Guid.NewGuid().ToString("N")[..8];
    private MariaDbService _db = default!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string MySqlUri(string? password = null) =>
        $"mysql://{_db.User}:{Uri.EscapeDataString(password ?? _db.Password)}@{_db.Host}:{_db.Port}";

    public async ValueTask InitializeAsync()
    {
        _db = TestServices.RequireMariaDb();
        await ExecuteAsync($"CREATE DATABASE `{_source}`; CREATE TABLE `{_source}`.t (id INT PRIMARY KEY, v VARCHAR(20)); " +
                           $"INSERT INTO `{_source}`.t VALUES (1, 'one'), (2, '二'), (3, NULL);");
    }

    public async ValueTask DisposeAsync()
    {
        await ExecuteAsync($"DROP DATABASE IF EXISTS `{_source}`; DROP DATABASE IF EXISTS `{_restored}`;");
        var parent = Path.GetDirectoryName(_pool)!;
        if (Directory.Exists(parent))
            Directory.Delete(parent, recursive: true);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new MySqlConnection(_db.ConnectionString().ConnectionString);
        await connection.OpenAsync(Ct);
        await new MySqlCommand(sql, connection).ExecuteNonQueryAsync(Ct);
    }

    [Fact]
    public async Task Backup_prints_the_new_id_last_and_restore_brings_the_rows_back_under_a_new_name()
    {
        var backup = await CommandLineRun.RunAsync("backup", "--source", MySqlUri(), "--type", "logical", "--pool", "file://" + _pool, "--include", _source);

        Assert.Equal(ExitCodes.Ok, backup.Code);
        var id = backup.Out.Trim().Split('\n').Last();
        Assert.Matches("^dbsbak-[a-z0-9]{8}$", id);
        Assert.Contains($"table {_source}.t", backup.Err);

        var restore = await CommandLineRun.RunAsync("restore", "--pool", "file://" + _pool, "--backup", id, "--target", MySqlUri(), "--rename", $"{_source}={_restored}");
        Assert.Equal(ExitCodes.Ok, restore.Code);

        await using var connection = new MySqlConnection(_db.ConnectionString().ConnectionString);
        await connection.OpenAsync(Ct);
        var count = await new MySqlCommand($"SELECT COUNT(*) FROM `{_restored}`.t WHERE v = '二' OR v IS NULL OR v = 'one'", connection).ExecuteScalarAsync(Ct);
        Assert.Equal(3L, Convert.ToInt64(count));

        var again = await CommandLineRun.RunAsync("restore", "--pool", "file://" + _pool, "--backup", id, "--target", MySqlUri(), "--rename", $"{_source}={_restored}");
        Assert.Equal(ExitCodes.Failed, again.Code);
        Assert.Contains("not empty", again.Err);
    }

    [Fact]
    public async Task A_wrong_password_ends_with_one_error_line_and_no_backup()
    {
        var (code, output, error) = await CommandLineRun.RunAsync("backup", "--source", MySqlUri("wrong-password"), "--type", "logical", "--pool", "file://" + _pool);

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Empty(output);
        Assert.StartsWith("error: Cannot connect to", error.Trim());
        Assert.Contains("Access denied", error);
        Assert.DoesNotContain("wrong-password", error);
        Assert.Equal(0, (await CommandLineRun.RunAsync("list", "--pool", "file://" + _pool)).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);
    }

    [Fact]
    public async Task An_unsupported_type_or_bad_source_uri_is_a_usage_error()
    {
        var type = await CommandLineRun.RunAsync("backup", "--source", MySqlUri(), "--type", "hourly", "--pool", "file://" + _pool);
        Assert.NotEqual(ExitCodes.Ok, type.Code);

        var uri = await CommandLineRun.RunAsync("backup", "--source", "postgres://x@y", "--type", "logical", "--pool", "file://" + _pool);
        Assert.Equal(ExitCodes.Usage, uri.Code);
        Assert.Contains("mysql://USER:PASSWORD@HOST:PORT", uri.Err);
    }
}
