using BackupConsole.Core.Executors;
using BackupConsole.Core.Executors.Redis;
using BackupConsole.Core.StoragePools.ObjectStores;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Tests.Cli;
using BackupConsole.Tests.TestBed;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace BackupConsole.Tests.Executors;

/// <summary>
/// Logical Redis backups (R-SCOPE-1) restore every type, binary key names and TTLs exactly, across logical databases,
/// against real redis-servers of the test's own (R-PLAN-5).
/// </summary>
public sealed class RedisRoundTripTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bc-redis-pool-" + Guid.NewGuid().ToString("N")[..8]);
    private OwnRedis _source = default!;
    private OwnRedis _target = default!;
    private BackupRepository _repository = default!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _source = await OwnRedis.StartAsync(Ct);
        _target = await OwnRedis.StartAsync(Ct);
        var store = new LocalDiskObjectStore(_root, "pool");
        await store.EnsureBucketAsync(Ct);
        _repository = new BackupRepository(store, new RepositoryOptions(), TimeProvider.System);
    }

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        await _target.DisposeAsync();
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }

    private static RedisBackupRunner Runner() => new(new RedisLogicalBackup(NullLogger<RedisLogicalBackup>.Instance), TimeProvider.System);

    private static RedisLogicalRestore Restore() => new(NullLogger<RedisLogicalRestore>.Instance);

    private static RedisEndpoint Endpoint(OwnRedis redis, int? db = null) => RedisEndpoint.Parse(redis.Uri(db));

    /// <summary>Every key of a database as its type, TTL presence and content read back type by type, in a stable order.</summary>
    private static async Task<SortedDictionary<string, string>> SnapshotAsync(ConnectionMultiplexer connection, int db)
    {
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var database = connection.GetDatabase(db);
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        static string Hex(RedisValue value) => Convert.ToHexString((byte[])value!);
        await foreach (var key in server.KeysAsync(db, pageSize: 1000))
        {
            var type = await database.KeyTypeAsync(key);
            var content = type switch
            {
                RedisType.String => Hex(await database.StringGetAsync(key)),
                RedisType.Hash => string.Join(",", (await database.HashGetAllAsync(key)).Select(e => $"{Hex(e.Name)}={Hex(e.Value)}").Order()),
                RedisType.List => string.Join(",", (await database.ListRangeAsync(key)).Select(Hex)),
                RedisType.Set => string.Join(",", (await database.SetMembersAsync(key)).Select(Hex).Order()),
                RedisType.SortedSet => string.Join(",", (await database.SortedSetRangeByRankWithScoresAsync(key)).Select(e => $"{Hex(e.Element)}:{e.Score}")),
                RedisType.Stream => string.Join(",", (await database.StreamRangeAsync(key)).Select(e => $"{e.Id}:{string.Join(";", e.Values.Select(v => $"{v.Name}={v.Value}"))}"))
                                    + " groups " + string.Join(",", (await database.StreamGroupInfoAsync(key)).Select(g => $"{g.Name}@{g.LastDeliveredId}")),
                _ => throw new InvalidOperationException($"unexpected type {type}"),
            };
            var ttl = await database.KeyTimeToLiveAsync(key);
            result[Convert.ToHexString((byte[])key!)] = $"{type} ttl={(ttl is null ? "none" : "set")} {content}";
        }
        return result;
    }

    [Fact]
    public async Task Every_type_binary_keys_and_ttls_come_back_exactly_in_every_database()
    {
        await using (var connection = await _source.ConnectAsync())
        {
            var db0 = connection.GetDatabase(0);
            await db0.StringSetAsync("plain", "value");
            await db0.StringSetAsync("empty", "");
            await db0.StringSetAsync(new RedisKey().Append(new byte[] { 0, 255, 10, 13, 0x80 }), new byte[] { 1, 0, 2 });
            await db0.StringSetAsync("键 with spaces", "unicode ✓");
            await db0.StringSetAsync("counter", 42);
            await db0.HashSetAsync("hash", [new HashEntry("f1", "v1"), new HashEntry("f2", new byte[] { 0, 1 })]);
            await db0.ListRightPushAsync("list", ["a", "b", "c", "a"]);
            await db0.SetAddAsync("set", ["x", "y", "z"]);
            await db0.SortedSetAddAsync("zset", [new SortedSetEntry("m1", 1.5), new SortedSetEntry("m2", -3)]);
            await db0.StreamAddAsync("stream", "field", "one");
            await db0.StreamAddAsync("stream", [new NameValueEntry("a", "1"), new NameValueEntry("b", "2")]);
            await db0.StreamCreateConsumerGroupAsync("stream", "group", StreamPosition.Beginning);
            await db0.StringSetAsync("expires-later", "soon", TimeSpan.FromHours(2));
            await db0.HashSetAsync("big-hash", Enumerable.Range(0, 2000).Select(i => new HashEntry($"field{i}", new string('v', i % 50))).ToArray());
            await connection.GetDatabase(3).StringSetAsync("in-db-3", "three");
            await connection.GetDatabase(3).SetAddAsync("set-in-3", "member");
        }

        var manifest = await Runner().RunAsync(_repository, Endpoint(_source), "logical", null, null, Ct);
        var result = await Restore().RunAsync(_repository, manifest, null, Endpoint(_target), overwrite: false, null, Ct);

        Assert.Equal("0,3", manifest.Properties["databases"]);
        Assert.Equal(14, result.Restored);
        await using var source = await _source.ConnectAsync();
        await using var target = await _target.ConnectAsync();
        Assert.Equal(await SnapshotAsync(source, 0), await SnapshotAsync(target, 0));
        Assert.Equal(await SnapshotAsync(source, 3), await SnapshotAsync(target, 3));
        var ttl = await target.GetDatabase(0).KeyTimeToLiveAsync("expires-later");
        Assert.InRange(ttl!.Value, TimeSpan.FromHours(2) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(2));
        Assert.Null(await target.GetDatabase(0).KeyTimeToLiveAsync("plain"));
    }

    [Fact]
    public async Task A_hundred_thousand_keys_restore_and_keys_that_expired_meanwhile_are_skipped()
    {
        await using (var connection = await _source.ConnectAsync())
        {
            var db = connection.GetDatabase(5);
            var batch = new List<Task>();
            for (var i = 0; i < 100_000; i++)
                batch.Add(i % 1000 == 0 ? db.StringSetAsync($"k:{i}", $"value {i}", TimeSpan.FromMilliseconds(1500)) : db.StringSetAsync($"k:{i}", $"value {i}"));
            await Task.WhenAll(batch);
        }

        var manifest = await Runner().RunAsync(_repository, Endpoint(_source, 5), "logical", null, null, Ct);
        // Under load some short-lived keys may already be gone when DUMPed: they are not in the backup then.
        var backedUp = long.Parse(manifest.Properties["keys.5"]);
        Assert.InRange(backedUp, 99_900, 100_000);
        await Task.Delay(2000, Ct);
        var result = await Restore().RunAsync(_repository, manifest, null, Endpoint(_target, 7), overwrite: false, null, Ct);

        Assert.Equal(backedUp - 99_900, result.Expired);
        Assert.Equal(99_900, result.Restored);
        await using var target = await _target.ConnectAsync();
        Assert.Equal(99_900, await target.GetServer(target.GetEndPoints()[0]).DatabaseSizeAsync(7));
        Assert.Equal("value 99999", (string?)await target.GetDatabase(7).StringGetAsync("k:99999"));
    }

    [Fact]
    public async Task A_non_empty_target_is_refused_unless_asked_and_acl_users_without_transactions_can_back_up_and_restore()
    {
        await using (var connection = await _source.ConnectAsync())
        {
            await connection.GetDatabase(0).StringSetAsync("from-backup", "new");
            await connection.GetServer(connection.GetEndPoints()[0]).ExecuteAsync("ACL", "SETUSER", "backup-user", "on", ">acl pass", "~*", "+@read", "+scan", "+dump", "+pttl", "+info", "+select", "+ping", "+client", "+cluster", "+config", "+echo");
        }
        await using (var connection = await _target.ConnectAsync())
        {
            await connection.GetDatabase(0).StringSetAsync("already-there", "keep");
            // Neither user may run MULTI: the backup pipelines DUMP and PTTL key by key instead.
            await connection.GetServer(connection.GetEndPoints()[0]).ExecuteAsync("ACL", "SETUSER", "restore-user", "on", ">acl pass", "~*", "+restore", "+dbsize", "+info", "+select", "+ping", "+client", "+cluster", "+config", "+echo");
        }

        var acl = RedisEndpoint.Parse($"redis://backup-user:{Uri.EscapeDataString("acl pass")}@127.0.0.1:{_source.Port}/0");
        var manifest = await Runner().RunAsync(_repository, acl, "logical", null, null, Ct);
        var refused = await Assert.ThrowsAsync<BackupException>(() => Restore().RunAsync(_repository, manifest, null, Endpoint(_target, 0), overwrite: false, null, Ct));
        var restoreAcl = RedisEndpoint.Parse($"redis://restore-user:{Uri.EscapeDataString("acl pass")}@127.0.0.1:{_target.Port}/0");
        var restored = await Restore().RunAsync(_repository, manifest, null, restoreAcl, overwrite: true, null, Ct);

        Assert.Contains("already holds 1 keys", refused.Message);
        Assert.Equal(manifest.Properties["keys.0"], restored.Restored.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using var target = await _target.ConnectAsync();
        Assert.Equal("keep", (string?)await target.GetDatabase(0).StringGetAsync("already-there"));
        Assert.Equal("new", (string?)await target.GetDatabase(0).StringGetAsync("from-backup"));
    }

    /// <summary>
    /// Each way a page is read gives the same backup: in one transaction (PTTL only once keys with an expiry are
    /// seen, the first page then read again), in one transaction with PTTL always (a user without INFO), or key by
    /// key (a user without MULTI). 2,500 keys: several pages, every tenth with an expiry.
    /// </summary>
    [Theory]
    [InlineData("full", "+@all")]
    [InlineData("no-info", "+@all -info")]
    [InlineData("no-multi", "+@all -multi -exec")]
    public async Task Every_way_of_reading_a_page_keeps_values_and_expiries(string user, string permissions)
    {
        await using (var connection = await _source.ConnectAsync())
        {
            var db = connection.GetDatabase(2);
            await Task.WhenAll(Enumerable.Range(0, 2500).Select(i => i % 10 == 0
                ? db.StringSetAsync($"k:{i}", $"value {i}", TimeSpan.FromHours(1))
                : db.StringSetAsync($"k:{i}", $"value {i}")));
            await connection.GetServer(connection.GetEndPoints()[0]).ExecuteAsync("ACL", ["SETUSER", user, "on", ">pass", "~*", .. permissions.Split(' ')]);
        }

        var manifest = await Runner().RunAsync(_repository, RedisEndpoint.Parse($"redis://{user}:pass@127.0.0.1:{_source.Port}/2"), "logical", null, null, Ct);
        var result = await Restore().RunAsync(_repository, manifest, null, Endpoint(_target, 2), overwrite: false, null, Ct);

        Assert.Equal(2500, result.Restored);
        // From INFO server, or from HELLO for the user without INFO.
        Assert.Matches(@"^\d+\.\d+\.\d+$", manifest.Properties["redisVersion"]);
        await using var source = await _source.ConnectAsync();
        await using var target = await _target.ConnectAsync();
        Assert.Equal(await SnapshotAsync(source, 2), await SnapshotAsync(target, 2));
        // The snapshots hold each key's TTL presence, so a lost or invented expiry shows up here.
        Assert.Equal(250, (await SnapshotAsync(target, 2)).Values.Count(v => v.Contains("ttl=set", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("# Keyspace\r\ndb0:keys=1150000,expires=0,avg_ttl=0\r\ndb2:keys=5,expires=3,avg_ttl=100\r\n", 2, 3)]
    [InlineData("# Keyspace\r\ndb0:keys=1150000,expires=0,avg_ttl=0\r\n", 0, 0)]
    [InlineData("# Keyspace\r\ndb10:keys=4,expires=4,avg_ttl=0\r\n", 1, 0)]
    public void The_expiring_key_count_is_read_from_info_keyspace(string keyspace, int db, long expected) =>
        Assert.Equal(expected, RedisLogicalBackup.ExpiringKeys(keyspace, db));

    [Fact]
    public async Task A_wrong_password_fails_clearly_and_leaves_no_backup()
    {
        var wrong = RedisEndpoint.Parse($"redis://:not-the-password@127.0.0.1:{_source.Port}");

        var error = await Assert.ThrowsAsync<BackupException>(() => Runner().RunAsync(_repository, wrong, "logical", null, null, Ct));

        Assert.Contains("authentication failed", error.Message);
        Assert.DoesNotContain("not-the-password", error.Message);
        await foreach (var _ in _repository.ListSetsAsync(Ct))
            Assert.Fail("a failed backup left a set behind");
    }

    [Fact]
    public async Task The_command_line_backs_up_lists_verifies_and_restores_redis()
    {
        await using (var connection = await _source.ConnectAsync())
            await connection.GetDatabase(2).HashSetAsync("cli", "field", "value");
        var pool = "file://" + Path.Combine(_root, "clipool");

        var backup = await CommandLineRun.RunAsync("backup", "--source", _source.Uri(), "--type", "logical", "--pool", pool);
        Assert.True(backup.Code == 0, backup.Err);
        var id = backup.Out.Trim().Split('\n').Last();
        var verify = await CommandLineRun.RunAsync("verify", "--pool", pool, "--backup", id);
        var list = await CommandLineRun.RunAsync("list", "--pool", pool);
        var restore = await CommandLineRun.RunAsync("restore", "--pool", pool, "--backup", id, "--target", _target.Uri());
        var physical = await CommandLineRun.RunAsync("backup", "--source", _source.Uri(), "--type", "physical", "--pool", pool);
        var renamed = await CommandLineRun.RunAsync("restore", "--pool", pool, "--backup", id, "--target", _target.Uri(), "--rename", "a=b");

        Assert.True(verify.Code == 0, verify.Err);
        Assert.Contains(list.Out.Split('\n'), l => l.StartsWith(id) && l.Contains("redis"));
        Assert.True(restore.Code == 0, restore.Err);
        Assert.Contains("1 keys", restore.Out);
        Assert.Equal(1, physical.Code);
        Assert.Contains("Redis backups are logical", physical.Err);
        Assert.Equal(2, renamed.Code);
        Assert.Contains("--rename applies to logical MySQL backups", renamed.Err);
        await using var target = await _target.ConnectAsync();
        Assert.Equal("value", (string?)await target.GetDatabase(2).HashGetAsync("cli", "field"));
    }
}
