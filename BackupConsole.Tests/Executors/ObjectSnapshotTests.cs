using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using BackupConsole.Core.Executors;
using BackupConsole.Core.Executors.Objects;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.StoragePools.ObjectStores;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Tests.Cli;
using BackupConsole.Tests.TestBed;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupConsole.Tests.Executors;

/// <summary>
/// Object-storage snapshots (R-SCOPE-1, R-PLAN-5) against the real s3rver: keys with spaces and unicode, content types,
/// user metadata and a multipart-sized object come back exactly into a new bucket; unchanged objects are not copied again.
/// </summary>
public sealed class ObjectSnapshotTests : IAsyncLifetime
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bc-objects-" + Guid.NewGuid().ToString("N")[..8]);
    private S3Service _s3 = default!;
    private AmazonS3Client _client = default!;
    private BackupRepository _repository = default!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string SourceBucket => "src-" + _suffix;

    public async ValueTask InitializeAsync()
    {
        _s3 = TestServices.RequireS3();
        _client = _s3.Client();
        await _client.PutBucketAsync(SourceBucket, Ct);
        var store = new LocalDiskObjectStore(_root, "pool");
        await store.EnsureBucketAsync(Ct);
        _repository = new BackupRepository(store, new RepositoryOptions(), TimeProvider.System);
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
        return ValueTask.CompletedTask;
    }

    private string Uri(string bucket, string prefix = "") =>
        $"s3://{_s3.AccessKey}:{_s3.SecretKey}@{new Uri(_s3.ServiceUrl).Authority}/{bucket}{(prefix.Length > 0 ? "/" + prefix : "")}?tls=false";

    private ObjectStorageBucket Bucket(string bucket, string prefix = "")
    {
        var (settings, parsedPrefix) = PoolUri.ParseS3(Uri(bucket, prefix));
        return new ObjectStorageBucket(settings, parsedPrefix);
    }

    private static ObjectSnapshotRunner Runner() => new(new ObjectSnapshotBackup(NullLogger<ObjectSnapshotBackup>.Instance), TimeProvider.System);

    private static ObjectSnapshotRestore Restore() => new(NullLogger<ObjectSnapshotRestore>.Instance);

    private async Task PutAsync(string key, byte[] content, string? contentType = null, Dictionary<string, string>? metadata = null)
    {
        var request = new PutObjectRequest { BucketName = SourceBucket, Key = key, InputStream = new MemoryStream(content), ContentType = contentType, UseChunkEncoding = false };
        foreach (var (name, value) in metadata ?? [])
            request.Metadata.Add(name, value);
        await _client.PutObjectAsync(request, Ct);
    }

    /// <summary>Key → size, content hash, content type and user metadata of every object under a prefix.</summary>
    private async Task<SortedDictionary<string, string>> DescribeAsync(string bucket, string prefix)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var page = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix }, Ct);
        foreach (var o in page.S3Objects ?? [])
        {
            using var response = await _client.GetObjectAsync(bucket, o.Key, Ct);
            var hash = Convert.ToHexString(await SHA256.HashDataAsync(response.ResponseStream, Ct));
            var metadata = string.Join(";", response.Metadata.Keys.Order().Select(k => $"{k}={response.Metadata[k]}"));
            result[o.Key[prefix.Length..]] = $"{o.Size} {hash} {response.Headers.ContentType} {metadata}";
        }
        return result;
    }

    [Fact]
    public async Task Keys_content_types_metadata_and_a_multipart_object_come_back_exactly_into_a_new_bucket()
    {
        await PutAsync("data/a.txt", "hello"u8.ToArray(), "text/plain", new() { ["owner"] = "alice", ["purpose"] = "test" });
        await PutAsync("data/dir/with space/ünïcode ✓.bin", RandomNumberGenerator.GetBytes(70_000), "application/x-custom");
        await PutAsync("data/empty", [], "application/octet-stream");
        await PutAsync("outside/not-taken.txt", "no"u8.ToArray());
        using (var transfer = new TransferUtility(_client))
        {
            await transfer.UploadAsync(new TransferUtilityUploadRequest
            {
                BucketName = SourceBucket, Key = "data/big.bin", InputStream = new MemoryStream(RandomNumberGenerator.GetBytes(21 * 1024 * 1024)),
                PartSize = 5 * 1024 * 1024, ContentType = "video/mp4",
            }, Ct);
        }

        using var source = Bucket(SourceBucket, "data");
        var manifest = await Runner().RunAsync(_repository, source, "snapshot", null, null, null, Ct);
        var target = "dst-" + _suffix;
        using var into = Bucket(target, "restored");
        var result = await Restore().RunAsync(_repository, manifest, null, into, overwrite: false, null, Ct);

        Assert.Equal(4, result.Objects);
        Assert.Equal(await DescribeAsync(SourceBucket, "data/"), await DescribeAsync(target, "restored/"));
        await _repository.VerifyAsync(manifest.BackupId, null, Ct);
        var refused = await Assert.ThrowsAsync<BackupException>(() => Restore().RunAsync(_repository, manifest, null, into, overwrite: false, null, Ct));
        Assert.Contains("already holds objects", refused.Message);
    }

    [Fact]
    public async Task A_second_snapshot_copies_only_what_changed_and_an_unchanged_one_copies_nothing()
    {
        for (var i = 0; i < 100; i++)
            await PutAsync($"obj-{i:D3}", RandomNumberGenerator.GetBytes(100_000));
        using var source = Bucket(SourceBucket);
        var first = await Runner().RunAsync(_repository, source, "snapshot", null, null, null, Ct);
        await PutAsync("obj-042", RandomNumberGenerator.GetBytes(100_000));

        var second = await Runner().RunAsync(_repository, source, "snapshot", null, null, null, Ct);
        var third = await Runner().RunAsync(_repository, source, "snapshot", null, null, null, Ct);

        Assert.Equal("100", first.Properties["objectsRead"]);
        Assert.Equal("1", second.Properties["objectsRead"]);
        Assert.InRange(long.Parse(second.Properties["uploadedBytes"]), 1, 120_000);
        Assert.Equal("0", third.Properties["objectsRead"]);
        Assert.Equal("0", third.Properties["uploadedBytes"]);
        var target = "dst2-" + _suffix;
        using var into = Bucket(target);
        await Restore().RunAsync(_repository, third, null, into, overwrite: false, null, Ct);
        Assert.Equal(await DescribeAsync(SourceBucket, ""), await DescribeAsync(target, ""));
    }

    [Fact]
    public async Task An_object_deleted_between_the_listing_and_its_read_is_left_out_with_a_warning()
    {
        await PutAsync("kept.txt", "kept"u8.ToArray());
        await PutAsync("gone.txt", "gone"u8.ToArray());
        var backup = new ObjectSnapshotBackup(NullLogger<ObjectSnapshotBackup>.Instance)
        {
            AfterList = () => _client.DeleteObjectAsync(SourceBucket, "gone.txt", Ct),
        };
        var progress = new BackupConsole.Tests.Support.CollectingProgress();
        using var source = Bucket(SourceBucket);

        var manifest = await new ObjectSnapshotRunner(backup, TimeProvider.System).RunAsync(_repository, source, "snapshot", null, null, progress, Ct);

        Assert.Equal("gone.txt", manifest.Properties["skipped"]);
        Assert.Equal("1", manifest.Properties["objects"]);
        Assert.Contains(progress.Lines, l => l == "warning: skipped gone.txt: deleted while the snapshot ran");
    }

    [Fact]
    public async Task The_command_line_snapshots_lists_verifies_and_restores_a_bucket()
    {
        await PutAsync("report 2026.csv", "a,b\n1,2\n"u8.ToArray(), "text/csv", new() { ["team"] = "ops" });
        var pool = "file://" + Path.Combine(_root, "clipool");

        var backup = await CommandLineRun.RunAsync("backup", "--source", Uri(SourceBucket), "--type", "snapshot", "--pool", pool);
        Assert.True(backup.Code == 0, backup.Err);
        var id = backup.Out.Trim().Split('\n').Last();
        var verify = await CommandLineRun.RunAsync("verify", "--pool", pool, "--backup", id);
        var list = await CommandLineRun.RunAsync("list", "--pool", pool);
        var restore = await CommandLineRun.RunAsync("restore", "--pool", pool, "--backup", id, "--target", Uri("cli-" + _suffix, "copy"));

        Assert.True(verify.Code == 0, verify.Err);
        Assert.Contains(list.Out.Split('\n'), l => l.StartsWith(id) && l.Contains("object-storage"));
        Assert.True(restore.Code == 0, restore.Err);
        Assert.Equal(await DescribeAsync(SourceBucket, ""), await DescribeAsync("cli-" + _suffix, "copy/"));
        Assert.DoesNotContain(_s3.SecretKey, File.ReadAllText(Directory.EnumerateFiles(Path.Combine(_root, "clipool"), "manifest.json", SearchOption.AllDirectories).Single()));
    }
}
