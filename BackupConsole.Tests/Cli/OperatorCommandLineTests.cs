using System.Diagnostics;
using System.Text.Json;
using BackupConsole.Cli;
using BackupConsole.Core.StoragePools.ObjectStores;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Tests.StoragePools;
using BackupConsole.Tests.Support;
using BackupConsole.Tests.TestBed;

namespace BackupConsole.Tests.Cli;

/// <summary>X-3's <c>list</c> and <c>verify</c> verbs: the pool alone is enough to list and check its backups .</summary>
public sealed class OperatorCommandLineTests : IAsyncLifetime
{
    private readonly string _poolDirectory = Path.Combine(Path.GetTempPath(), "bc-cli-" + Guid.NewGuid().ToString("N")[..8], "pool");

    private string PoolUri => "file://" + _poolDirectory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        var parent = Path.GetDirectoryName(_poolDirectory)!;
        if (Directory.Exists(parent))
            Directory.Delete(parent, recursive: true);
        return ValueTask.CompletedTask;
    }

    private static async Task WriteSetAsync(IObjectStore store, string backupId, int size)
    {
        await store.EnsureBucketAsync(Ct);
        var repository = new BackupRepository(store, new RepositoryOptions(), TimeProvider.System);
        await using var set = repository.CreateSet(new BackupSetHeader(backupId, new ManifestSource("mysql", "db.example:3306"), "logical", DateTimeOffset.UtcNow));
        await using var writer = await set.OpenObjectAsync("db1/t1.sql", Ct);
        await writer.WriteAsync(new byte[size].Select((_, i) => (byte)(i % 251)).ToArray(), Ct);
        await writer.CompleteAsync(Ct);
        await set.CommitAsync(null, Ct);
    }

    [Fact]
    public async Task List_shows_every_committed_backup_of_a_local_pool()
    {
        await WriteSetAsync(new LocalDiskObjectStore(Path.GetDirectoryName(_poolDirectory)!, "pool"), "dbsbak-cliaaaa1", 5000);
        await WriteSetAsync(new LocalDiskObjectStore(Path.GetDirectoryName(_poolDirectory)!, "pool"), "dbsbak-clibbbb2", 70_000);

        var (code, output, _) = await CommandLineRun.RunAsync("list", "--pool", PoolUri);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("dbsbak-cliaaaa1", output);
        Assert.Contains("dbsbak-clibbbb2", output);
        Assert.Contains("mysql db.example:3306", output);
    }

    [Fact]
    public async Task List_as_json_prints_the_manifests()
    {
        await WriteSetAsync(new LocalDiskObjectStore(Path.GetDirectoryName(_poolDirectory)!, "pool"), "dbsbak-clijson1", 1234);

        var (code, output, _) = await CommandLineRun.RunAsync("list", "--pool", PoolUri, "--json");

        Assert.Equal(ExitCodes.Ok, code);
        var manifests = JsonSerializer.Deserialize<List<BackupManifest>>(output, BackupManifest.Json)!;
        Assert.Equal(1234, Assert.Single(manifests).RawBytes);
    }

    [Fact]
    public async Task Verify_passes_a_sound_backup_and_names_the_object_of_a_damaged_one()
    {
        var store = new LocalDiskObjectStore(Path.GetDirectoryName(_poolDirectory)!, "pool");
        await WriteSetAsync(store, "dbsbak-cliverif", 100_000);

        var sound = await CommandLineRun.RunAsync("verify", "--pool", PoolUri, "--backup", "dbsbak-cliverif");
        Assert.Equal(ExitCodes.Ok, sound.Code);
        Assert.StartsWith("OK dbsbak-cliverif: 1 objects, 100000 bytes", sound.Out);

        var file = Directory.GetFiles(Path.Combine(_poolDirectory, "backups", "dbsbak-cliverif", "data"), "*", SearchOption.AllDirectories).Single();
        var bytes = await File.ReadAllBytesAsync(file, Ct);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(file, bytes, Ct);

        var damaged = await CommandLineRun.RunAsync("verify", "--pool", PoolUri, "--backup", "dbsbak-cliverif");
        Assert.Equal(ExitCodes.Corrupt, damaged.Code);
        Assert.Contains("error: Backup dbsbak-cliverif: object 'db1/t1.sql' is corrupt", damaged.Err);
        Assert.Single(damaged.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:"));
    }

    [Theory]
    [InlineData(ExitCodes.NotFound, "verify", "--backup", "dbsbak-missing1", "is not in")]
    [InlineData(ExitCodes.Usage, "verify", "--backup", "../etc", "is not a backup ID")]
    public async Task Verify_refuses_with_one_clear_line(int expected, string verb, string option, string value, string message)
    {
        await WriteSetAsync(new LocalDiskObjectStore(Path.GetDirectoryName(_poolDirectory)!, "pool"), "dbsbak-present1", 10);

        var (code, _, error) = await CommandLineRun.RunAsync(verb, "--pool", PoolUri, option, value);

        Assert.Equal(expected, code);
        Assert.Contains(message, error);
    }

    [Theory]
    [InlineData("ftp://host/x", "start with file:// or s3://")]
    [InlineData("s3://127.0.0.1:9/", "names its bucket")]
    [InlineData("file://relative/path", "no host")]
    public async Task A_bad_pool_uri_is_refused_with_a_usage_error(string uri, string message)
    {
        var (code, _, error) = await CommandLineRun.RunAsync("list", "--pool", uri);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(message, error);
    }

    [Fact]
    public async Task List_reads_an_S3_pool_and_never_prints_its_secret()
    {
        var s3 = TestServices.RequireS3();
        var bucket = await StoragePoolTestKit.CreateBucketAsync(s3);
        var uri = new Uri(s3.ServiceUrl);
        var settings = new S3Settings(s3.ServiceUrl, s3.AccessKey, s3.SecretKey, bucket);
        await WriteSetAsync(new PrefixedObjectStore(new S3ObjectStore(settings), "team/a"), "dbsbak-clis3aa1", 4096);

        var (code, output, error) = await CommandLineRun.RunAsync("list", "--pool", $"s3://{s3.AccessKey}:{s3.SecretKey}@{uri.Host}:{uri.Port}/{bucket}/team/a?tls=false");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("dbsbak-clis3aa1", output);
        Assert.Empty(error);
    }

    [Fact]
    public async Task The_console_executable_runs_a_verb_instead_of_serving()
    {
        await WriteSetAsync(new LocalDiskObjectStore(Path.GetDirectoryName(_poolDirectory)!, "pool"), "dbsbak-cliexec1", 10);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { RepositoryPaths.AppAssembly, "list", "--pool", PoolUri })
            start.ArgumentList.Add(arg);

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);

        Assert.Equal(0, process.ExitCode);
        Assert.Contains("dbsbak-cliexec1", output);
    }
}
