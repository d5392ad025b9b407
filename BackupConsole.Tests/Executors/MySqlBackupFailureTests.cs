using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.StoragePools.ObjectStores;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Tests.TestBed;
using MySqlConnector;

namespace BackupConsole.Tests.Executors;

/// <summary>
/// Issue #5: a pool that becomes unreachable mid-backup ends the backup with its own clear error and no manifest.
/// The outage is injected into a real store after some bytes: the moment a real server drops cannot be timed reliably.
/// </summary>
public sealed class MySqlBackupFailureTests : IAsyncLifetime
{
    private readonly string _poolRoot = Path.Combine(Path.GetTempPath(), "bc-fail-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _source = "fail_" + Guid.NewGuid().ToString("N")[..8];
    private MariaDbService _db = default!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _db = TestServices.RequireMariaDb();
        await using var connection = new MySqlConnection(_db.ConnectionString().ConnectionString);
        await connection.OpenAsync(Ct);
        await new MySqlCommand($"CREATE DATABASE `{_source}`; USE `{_source}`; CREATE TABLE t (id INT PRIMARY KEY, v CHAR(64)); " +
                               "INSERT INTO t SELECT seq, SHA2(seq, 256) FROM seq_1_to_300000;", connection).ExecuteNonQueryAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = new MySqlConnection(_db.ConnectionString().ConnectionString);
        await connection.OpenAsync(Ct);
        await new MySqlCommand($"DROP DATABASE IF EXISTS `{_source}`", connection).ExecuteNonQueryAsync(Ct);
        if (Directory.Exists(_poolRoot))
            Directory.Delete(_poolRoot, recursive: true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_pool_lost_mid_backup_fails_with_its_error_and_leaves_no_backup(bool cleanupAlsoFails)
    {
        var real = new LocalDiskObjectStore(_poolRoot, "pool");
        await real.EnsureBucketAsync(Ct);
        var store = new StoreThatDrops(real, afterBytes: 2 * 1024 * 1024, cleanupAlsoFails);
        var repository = new BackupRepository(store, new RepositoryOptions { Compress = false }, TimeProvider.System);
        var source = new MySqlEndpoint(_db.Host, _db.Port, _db.User, _db.Password, null);

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() =>
            MySqlLogicalRoundTripTests.Runner().RunAsync(repository, source, "logical", TableSelection.Parse(_source), null, null, Ct));

        Assert.Contains("connection reset by the pool", error.Message);
        var sets = new List<BackupManifest>();
        await foreach (var m in new BackupRepository(real, new RepositoryOptions(), TimeProvider.System).ListSetsAsync(Ct))
            sets.Add(m);
        Assert.Empty(sets);
        if (!cleanupAlsoFails)
            Assert.DoesNotContain(Directory.GetFiles(Path.Combine(_poolRoot, "pool"), "*", SearchOption.AllDirectories), f => !f.Contains(".uploads"));
    }

    /// <summary>A real store whose uploads fail once a number of bytes went through, like a pool whose network drops.</summary>
    private sealed class StoreThatDrops(IObjectStore inner, long afterBytes, bool deletesFail) : IObjectStore
    {
        private long _written;

        private long AfterBytes => afterBytes;

        public string Location => inner.Location;
        public Task EnsureBucketAsync(CancellationToken ct) => inner.EnsureBucketAsync(ct);
        public Task<bool> BucketExistsAsync(CancellationToken ct) => inner.BucketExistsAsync(ct);
        public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct) => inner.PutAsync(key, content, ct);
        public Task<Stream> OpenReadAsync(string key, CancellationToken ct) => inner.OpenReadAsync(key, ct);
        public Task<ObjectInfo?> StatAsync(string key, CancellationToken ct) => inner.StatAsync(key, ct);
        public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken ct) => inner.ListAsync(prefix, ct);
        public ValueTask DisposeAsync() => inner.DisposeAsync();

        public Task DeleteAsync(string key, CancellationToken ct) =>
            deletesFail ? throw new ObjectStoreException("pool unreachable") : inner.DeleteAsync(key, ct);

        public async Task<ObjectUpload> StartUploadAsync(string key, CancellationToken ct) => new Dropping(this, await inner.StartUploadAsync(key, ct));

        private sealed class Dropping(StoreThatDrops store, ObjectUpload inner) : ObjectUpload(inner.Key)
        {
            protected override async ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct)
            {
                if (Interlocked.Add(ref store._written, buffer.Length) > store.AfterBytes)
                    throw new ObjectStoreException("connection reset by the pool");
                await inner.WriteAsync(buffer, ct);
            }

            protected override Task CompleteCoreAsync(CancellationToken ct) => inner.CompleteAsync(ct);

            protected override async Task AbortCoreAsync() => await inner.DisposeAsync();
        }
    }
}
