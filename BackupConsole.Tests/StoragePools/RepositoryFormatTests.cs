using System.Security.Cryptography;
using BackupConsole.Core.StoragePools.ObjectStores;
using BackupConsole.Core.StoragePools.Repository;

namespace BackupConsole.Tests.StoragePools;

/// <summary>The repository format on the embedded local-disk store: round trips, manifest last, corruption found.</summary>
public sealed class RepositoryFormatTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bc-repo-" + Guid.NewGuid().ToString("N")[..12]);
    private LocalDiskObjectStore _store = default!;

    public async ValueTask InitializeAsync()
    {
        _store = new LocalDiskObjectStore(_root, "dbs");
        await _store.EnsureBucketAsync(CancellationToken.None);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return ValueTask.CompletedTask;
    }

    private static EncryptionKey NewKey(string id = "test") => new(id, RandomNumberGenerator.GetBytes(ChunkedAesGcm.KeySize));

    private static byte[] SampleData(int size, int seed = 1)
    {
        // Half compressible text, half random: both codec paths get exercised.
        var data = new byte[size];
        new Random(seed).NextBytes(data.AsSpan(size / 2));
        for (var i = 0; i < size / 2; i++)
            data[i] = (byte)("backup console "[i % 15]);
        return data;
    }

    private async Task<BackupManifest> WriteSetAsync(BackupRepository repository, string backupId, IReadOnlyDictionary<string, byte[]> objects)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var set = repository.CreateSet(new BackupSetHeader(backupId, new ManifestSource("mysql", "127.0.0.1:3306"), "logical", DateTimeOffset.UtcNow));
        foreach (var (name, content) in objects)
        {
            await using var writer = await set.OpenObjectAsync(name, ct);
            // Odd write sizes cross every internal buffer boundary.
            for (var offset = 0; offset < content.Length; offset += 70_001)
                await writer.WriteAsync(content.AsMemory(offset, Math.Min(70_001, content.Length - offset)), ct);
            await writer.CompleteAsync(ct);
        }
        return await set.CommitAsync(new Dictionary<string, string> { ["binlog"] = "binlog.000003:1234" }, ct);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, TestContext.Current.CancellationToken);
        return copy.ToArray();
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public async Task Objects_round_trip_byte_for_byte_with_and_without_compression_and_encryption(bool compress, bool encrypt)
    {
        var ct = TestContext.Current.CancellationToken;
        var key = encrypt ? NewKey() : null;
        var repository = new BackupRepository(_store, new RepositoryOptions { Compress = compress, Encryption = key }, TimeProvider.System);
        var objects = new Dictionary<string, byte[]>
        {
            ["empty.bin"] = [],
            ["db1/small.sql"] = SampleData(10),
            ["db1/exact-chunk.bin"] = SampleData(ChunkedAesGcm.DefaultChunkSize, seed: 2),
            ["db2/large.sql"] = SampleData(3 * 1024 * 1024 + 17, seed: 3),
        };

        var manifest = await WriteSetAsync(repository, "dbsbak-roundtrp", objects);

        Assert.Equal(objects.Count, manifest.Objects.Count);
        foreach (var (name, content) in objects)
        {
            await using var stream = await repository.OpenObjectAsync(manifest, name, key, ct);
            Assert.Equal(content, await ReadAllAsync(stream));
        }
        Assert.Equal(compress ? "zstd" : "none", manifest.Compression);
        Assert.Equal(encrypt, manifest.Encryption is not null);
        Assert.Equal(objects.Values.Sum(v => (long)v.Length), manifest.RawBytes);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(ChunkedAesGcm.DefaultChunkSize)]
    [InlineData(ChunkedAesGcm.DefaultChunkSize + 1)]
    [InlineData(3 * ChunkedAesGcm.DefaultChunkSize + 17)]
    public async Task A_block_sealed_in_memory_has_the_streamed_layout_and_opens_only_with_its_key(int size)
    {
        var ct = TestContext.Current.CancellationToken;
        var key = RandomNumberGenerator.GetBytes(ChunkedAesGcm.KeySize);
        var plain = SampleData(size, seed: size);
        var block = new byte[ChunkedAesGcm.SealedLength(size) + 5];
        var written = ChunkedAesGcm.EncryptBlock(plain, key, block);

        using var streamed = new MemoryStream();
        await using (var encrypt = ChunkedAesGcm.Encrypt(streamed, key))
            await encrypt.WriteAsync(plain, ct);
        Assert.Equal(streamed.Length, written);

        await using var decrypt = ChunkedAesGcm.Decrypt(new MemoryStream(block, 0, written), key);
        using var opened = new MemoryStream();
        await decrypt.CopyToAsync(opened, ct);
        Assert.Equal(plain, opened.ToArray());

        // Cut after a whole chunk, the block must not pass for a shorter payload: the last chunk carries the final flag.
        if (size > ChunkedAesGcm.DefaultChunkSize)
        {
            await using var truncated = ChunkedAesGcm.Decrypt(new MemoryStream(block, 0, 16 + ChunkedAesGcm.DefaultChunkSize + ChunkedAesGcm.TagSize), key);
            await Assert.ThrowsAnyAsync<CryptographicException>(() => truncated.CopyToAsync(Stream.Null, ct));
        }
        await using var wrongKey = ChunkedAesGcm.Decrypt(new MemoryStream(block, 0, written), RandomNumberGenerator.GetBytes(ChunkedAesGcm.KeySize));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => wrongKey.CopyToAsync(Stream.Null, ct));
    }

    [Fact]
    public async Task A_deferred_put_replaces_atomically_and_a_dead_runs_partial_file_is_never_listed()
    {
        var ct = TestContext.Current.CancellationToken;
        await _store.PutDeferredAsync("blobs/ab/abcdef", new byte[] { 1, 2, 3 }, ct);
        await _store.PutDeferredAsync("blobs/ab/abcdef", new byte[] { 4, 5 }, ct);
        // What a run killed between its write and its rename leaves behind.
        await File.WriteAllBytesAsync(Path.Combine(_root, "dbs", "blobs", "ab", ".uploads~0123"), [9], ct);

        var listed = await _store.ListAsync("blobs/", ct).ToListAsync(ct);
        Assert.Equal(["blobs/ab/abcdef"], listed.Select(o => o.Key));
        Assert.Equal(2, listed[0].Size);
    }

    [Fact]
    public async Task A_set_without_its_manifest_is_not_a_backup_and_an_abandoned_writer_leaves_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var repository = new BackupRepository(_store, new RepositoryOptions(), TimeProvider.System);
        await using (var set = repository.CreateSet(new BackupSetHeader("dbsbak-abandon1", new ManifestSource("redis", "r"), "logical", DateTimeOffset.UtcNow)))
        {
            await using var writer = await set.OpenObjectAsync("dump.bin", ct);
            await writer.WriteAsync(SampleData(100_000), ct);
            await writer.CompleteAsync(ct);
            Assert.Null(await repository.ReadManifestAsync("dbsbak-abandon1", ct));
        }

        Assert.Null(await repository.ReadManifestAsync("dbsbak-abandon1", ct));
        var left = new List<ObjectInfo>();
        await foreach (var o in _store.ListAsync(BackupRepository.PrefixOf("dbsbak-abandon1"), ct))
            left.Add(o);
        Assert.Empty(left);
    }

    [Fact]
    public async Task A_zero_length_read_is_not_taken_for_the_end_of_an_object()
    {
        // TarReader asks for empty buffers between entries; treating that as the end failed every snapshot restore.
        var ct = TestContext.Current.CancellationToken;
        var repository = new BackupRepository(_store, new RepositoryOptions(), TimeProvider.System);
        var data = SampleData(300_000);
        var manifest = await WriteSetAsync(repository, "dbsbak-zeroread", new Dictionary<string, byte[]> { ["a.bin"] = data });

        await using var stream = await repository.OpenObjectAsync(manifest, "a.bin", null, ct);
        var head = new byte[1000];
        await stream.ReadExactlyAsync(head, ct);
        Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty, ct));
        var rest = await ReadAllAsync(stream);

        Assert.Equal(data, head.Concat(rest).ToArray());
    }

    [Fact]
    public async Task Sets_are_listed_from_their_manifests_alone()
    {
        var ct = TestContext.Current.CancellationToken;
        var repository = new BackupRepository(_store, new RepositoryOptions(), TimeProvider.System);
        await WriteSetAsync(repository, "dbsbak-listone1", new Dictionary<string, byte[]> { ["a"] = SampleData(1000) });
        await WriteSetAsync(repository, "dbsbak-listtwo2", new Dictionary<string, byte[]> { ["b"] = SampleData(2000) });

        var listed = new List<BackupManifest>();
        await foreach (var m in repository.ListSetsAsync(ct))
            listed.Add(m);

        Assert.Equal(["dbsbak-listone1", "dbsbak-listtwo2"], listed.Select(m => m.BackupId).Order());
        Assert.Equal("binlog.000003:1234", listed[0].Properties["binlog"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_flipped_byte_is_detected_by_verify_and_by_restore_naming_the_object(bool encrypt)
    {
        var ct = TestContext.Current.CancellationToken;
        var key = encrypt ? NewKey() : null;
        var repository = new BackupRepository(_store, new RepositoryOptions { Encryption = key }, TimeProvider.System);
        var manifest = await WriteSetAsync(repository, "dbsbak-corrupt1", new Dictionary<string, byte[]>
        {
            ["good.sql"] = SampleData(50_000),
            ["bad.sql"] = SampleData(500_000, seed: 9),
        });
        var bad = manifest.Objects.Single(o => o.Name == "bad.sql");
        var path = Path.Combine(_root, "dbs", bad.Key);
        var bytes = await File.ReadAllBytesAsync(path, ct);
        bytes[bytes.Length / 2] ^= 0x40;
        await File.WriteAllBytesAsync(path, bytes, ct);

        var verify = await Assert.ThrowsAsync<ChecksumMismatchException>(() => repository.VerifyAsync("dbsbak-corrupt1", key, ct));
        Assert.Equal("bad.sql", verify.ObjectName);
        Assert.Contains("bad.sql", verify.Message);

        await using var stream = await repository.OpenObjectAsync(manifest, "bad.sql", key, ct);
        var restore = await Assert.ThrowsAsync<ChecksumMismatchException>(() => ReadAllAsync(stream));
        Assert.Equal("bad.sql", restore.ObjectName);
    }

    [Fact]
    public async Task An_encrypted_set_cannot_be_read_with_another_key()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey("pool-key");
        var repository = new BackupRepository(_store, new RepositoryOptions { Encryption = key }, TimeProvider.System);
        var manifest = await WriteSetAsync(repository, "dbsbak-wrongkey", new Dictionary<string, byte[]> { ["a"] = SampleData(10_000) });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => repository.OpenObjectAsync(manifest, "a", NewKey("other"), ct));
        Assert.Contains("pool-key", error.Message);
        Assert.Equal(key.Fingerprint, manifest.Encryption!.KeyFingerprint);
    }

    [Fact]
    public async Task Deleting_a_set_removes_the_manifest_and_every_object()
    {
        var ct = TestContext.Current.CancellationToken;
        var repository = new BackupRepository(_store, new RepositoryOptions(), TimeProvider.System);
        await WriteSetAsync(repository, "dbsbak-delete01", new Dictionary<string, byte[]> { ["a"] = SampleData(1000), ["b/c"] = SampleData(10) });

        await repository.DeleteSetAsync("dbsbak-delete01", ct);
        await repository.DeleteSetAsync("dbsbak-delete01", ct);

        var left = new List<ObjectInfo>();
        await foreach (var o in _store.ListAsync(BackupRepository.PrefixOf("dbsbak-delete01"), ct))
            left.Add(o);
        Assert.Empty(left);
    }
}
