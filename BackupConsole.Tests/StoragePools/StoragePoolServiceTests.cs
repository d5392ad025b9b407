using BackupConsole.Tests.Support;
using System.Globalization;
using BackupConsole.Core.Data;
using BackupConsole.Core.Events;
using BackupConsole.Core.Gateways;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Tests.TestBed;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Tests.StoragePools;

/// <summary>Binding, updating and unbinding pools (R-POOL-1…6) against the embedded store and a real S3 server.</summary>
[Trait(CoreTestHost.SuiteTrait, CoreTestHost.CoreSuite)]
public sealed class StoragePoolServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Platform_pool_without_a_bucket_creates_and_uses_dbs()
    {
        await using var host = await StoragePoolTestKit.StartAsync();
        var (tenant, _) = await host.CreateTenantWithUserAsync("acme");

        var result = await host.Get<StoragePoolService>().BindPlatformAsync(new PlatformPoolInput("main", null, Bucket: ""), Ct);

        Assert.True(result.Succeeded, result.ErrorText);
        var pool = result.Value!;
        Assert.StartsWith("dbspool-", pool.Id);
        Assert.Equal("dbs", pool.Bucket);
        Assert.Equal(StoragePoolStatus.Online, pool.Status);
        Assert.EndsWith("/dbs", pool.ObjectStorage);
        Assert.True(Directory.Exists(Path.Combine(host.DataDirectory, "objects", "dbs", tenant.Id)));
    }

    [Fact]
    public async Task A_second_platform_pool_reuses_the_existing_bucket()
    {
        await using var host = await StoragePoolTestKit.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        var pools = host.Get<StoragePoolService>();

        Assert.True((await pools.BindPlatformAsync(new PlatformPoolInput("one", null, "dbs"), Ct)).Succeeded);
        var second = await pools.BindPlatformAsync(new PlatformPoolInput("two", null, null), Ct);

        Assert.True(second.Succeeded, second.ErrorText);
        Assert.Equal(2, (await pools.ListAsync(Ct)).Count);
    }

    [Fact]
    public async Task Tenants_sharing_the_platform_bucket_never_see_each_others_backups()
    {
        await using var host = await StoragePoolTestKit.StartAsync();
        var (a, userA) = await host.CreateTenantWithUserAsync("a");
        var poolA = (await host.Get<StoragePoolService>().BindPlatformAsync(new PlatformPoolInput("p", null, null), Ct)).Value!;
        await using (var repo = await host.Get<StoragePoolService>().OpenRepositoryAsync(poolA.Id, Ct))
        {
            await using var set = repo.Repository.CreateSet(new BackupSetHeader("dbsbak-tenant0a", new ManifestSource("file", "/x"), "snapshot", DateTimeOffset.UtcNow));
            await set.CommitAsync(null, Ct);
        }

        var (b, _) = await host.CreateTenantWithUserAsync("b");
        var poolB = (await host.Get<StoragePoolService>().BindPlatformAsync(new PlatformPoolInput("p", null, null), Ct)).Value!;
        await using var repoB = await host.Get<StoragePoolService>().OpenRepositoryAsync(poolB.Id, Ct);
        var seen = new List<BackupManifest>();
        await foreach (var m in repoB.Repository.ListSetsAsync(Ct))
            seen.Add(m);

        Assert.Empty(seen);
        await Assert.ThrowsAsync<BackupConsole.Core.Tenancy.TenantAccessException>(() => host.Get<StoragePoolService>().OpenRepositoryAsync(poolA.Id, Ct));
        Assert.NotEqual(a.Id, b.Id);
        Assert.NotNull(userA);
    }

    [Fact]
    public async Task External_pool_binds_through_the_gateway_and_keeps_its_secret_encrypted_and_hidden()
    {
        var s3 = TestServices.RequireS3();
        await using var host = await StoragePoolTestKit.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        await StoragePoolTestKit.CreateGatewayAsync(host);
        var bucket = await StoragePoolTestKit.CreateBucketAsync(s3);

        var result = await host.Get<StoragePoolService>().BindExternalAsync(StoragePoolTestKit.External(s3, bucket), Ct);

        Assert.True(result.Succeeded, result.ErrorText);
        Assert.Equal(StoragePoolType.ExternalS3, result.Value!.Type);
        Assert.Equal($"{s3.ServiceUrl}/{bucket}", result.Value.ObjectStorage);
        await using var db = await host.Get<IDbContextFactory<BackupDbContext>>().CreateDbContextAsync(Ct);
        var stored = await db.StoragePools.SingleAsync(Ct);
        Assert.NotNull(stored.ProtectedSecretKey);
        Assert.DoesNotContain(s3.SecretKey, stored.ProtectedSecretKey);
        Assert.Equal(s3.SecretKey, host.Get<BackupConsole.Core.Security.ISecretProtector>().Unprotect(stored.ProtectedSecretKey));
        // The view has no secret at all (s3rver's access key and secret are the same word, so compare property names).
        Assert.DoesNotContain("secret", System.Text.Json.JsonSerializer.Serialize(result.Value), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task External_pool_needs_the_tenants_gateway()
    {
        var s3 = TestServices.RequireS3();
        await using var host = await StoragePoolTestKit.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        CultureInfo.CurrentUICulture = new CultureInfo("en-US");

        var result = await host.Get<StoragePoolService>().BindExternalAsync(StoragePoolTestKit.External(s3, "any-bucket"), Ct);

        Assert.False(result.Succeeded);
        Assert.Contains("through the backup gateway", result.ErrorText);
    }

    [Theory]
    [InlineData("WRONGACCESSKEY", null, "InvalidAccessKeyId")]
    [InlineData(null, "no-such-bucket-here", "NoSuchBucket")]
    public async Task Binding_is_refused_with_the_S3_error_text(string? accessKey, string? bucket, string s3Error)
    {
        var s3 = TestServices.RequireS3();
        await using var host = await StoragePoolTestKit.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        await StoragePoolTestKit.CreateGatewayAsync(host);
        var realBucket = bucket ?? await StoragePoolTestKit.CreateBucketAsync(s3);

        var input = StoragePoolTestKit.External(s3, realBucket);
        var result = await host.Get<StoragePoolService>().BindExternalAsync(input with { AccessKey = accessKey ?? input.AccessKey }, Ct);

        Assert.False(result.Succeeded);
        Assert.Contains(s3Error, result.ErrorText);
        Assert.Empty(await host.Get<StoragePoolService>().ListAsync(Ct));
    }

    [Fact]
    public async Task Invalid_fields_are_refused_before_any_request()
    {
        await using var host = await StoragePoolTestKit.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        CultureInfo.CurrentUICulture = new CultureInfo("zh-CN");

        var result = await host.Get<StoragePoolService>().BindExternalAsync(
            new ExternalPoolInput("", null, "ftp://169.254.169.254", "", "", "Bad_Bucket"), Ct);

        Assert.Equal(["AccessKey", "Bucket", "Endpoint", "Name", "SecretKey"], result.Errors.Select(e => e.Field).Order());
        Assert.Contains("存储桶名称", result.ErrorText);
        var metadata = await host.Get<StoragePoolService>().BindExternalAsync(
            new ExternalPoolInput("x", null, "http://169.254.169.254", "k", "s", "bucket"), Ct);
        Assert.Contains("云元数据", metadata.ErrorText);
    }

    [Fact]
    public async Task Unbind_is_refused_while_plans_use_the_pool_naming_them()
    {
        var plans = new PlansUsingPools();
        await using var host = await StoragePoolTestKit.StartAsync(plans);
        await host.CreateTenantWithUserAsync("acme");
        var pools = host.Get<StoragePoolService>();
        var pool = (await pools.BindPlatformAsync(new PlatformPoolInput("main", null, null), Ct)).Value!;
        plans.ByPool[pool.Id] = ["nightly-mysql", "hourly-redis"];
        CultureInfo.CurrentUICulture = new CultureInfo("en-US");

        var refused = await pools.UnbindAsync(pool.Id, Ct);

        Assert.False(refused.Succeeded);
        Assert.Contains("nightly-mysql", refused.ErrorText);
        Assert.Contains("hourly-redis", refused.ErrorText);
        Assert.Equal(["nightly-mysql", "hourly-redis"], (await pools.ListAsync(Ct)).Single().RelatedPlans);

        plans.ByPool.Clear();
        Assert.True((await pools.UnbindAsync(pool.Id, Ct)).Succeeded);
        Assert.Empty(await pools.ListAsync(Ct));
    }

    [Fact]
    public async Task Gateway_delete_is_refused_while_an_external_pool_exists()
    {
        var s3 = TestServices.RequireS3();
        await using var host = await StoragePoolTestKit.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        await StoragePoolTestKit.CreateGatewayAsync(host);
        var pool = (await host.Get<StoragePoolService>().BindExternalAsync(
            StoragePoolTestKit.External(s3, await StoragePoolTestKit.CreateBucketAsync(s3), name: "offsite"), Ct)).Value!;
        var gateway = (await host.Get<GatewayService>().ListAsync(Ct)).Single();

        var refused = await host.Get<GatewayService>().DeleteAsync(gateway.Id, Ct);

        Assert.False(refused.Succeeded);
        Assert.Contains("offsite", refused.ErrorText);
        Assert.True((await host.Get<StoragePoolService>().UnbindAsync(pool.Id, Ct)).Succeeded);
        Assert.True((await host.Get<GatewayService>().DeleteAsync(gateway.Id, Ct)).Succeeded);
    }

    [Fact]
    public async Task Update_renames_and_a_new_key_pair_is_verified_before_it_replaces_the_old_one()
    {
        var s3 = TestServices.RequireS3();
        await using var host = await StoragePoolTestKit.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        await StoragePoolTestKit.CreateGatewayAsync(host);
        var pools = host.Get<StoragePoolService>();
        var pool = (await pools.BindExternalAsync(StoragePoolTestKit.External(s3, await StoragePoolTestKit.CreateBucketAsync(s3)), Ct)).Value!;

        var wrong = await pools.UpdateAsync(pool.Id, new PoolUpdateInput("renamed", "new remark", "WRONGACCESSKEY", s3.SecretKey), Ct);
        Assert.False(wrong.Succeeded);
        Assert.Contains("InvalidAccessKeyId", wrong.ErrorText);
        Assert.Equal("ext", (await pools.ListAsync(Ct)).Single().Name);

        var right = await pools.UpdateAsync(pool.Id, new PoolUpdateInput("renamed", "new remark", s3.AccessKey, s3.SecretKey), Ct);
        Assert.True(right.Succeeded, right.ErrorText);
        var updated = (await pools.ListAsync(Ct)).Single();
        Assert.Equal("renamed", updated.Name);
        Assert.Equal("new remark", updated.Remark);
        await using var db = await host.Get<IDbContextFactory<BackupDbContext>>().CreateDbContextAsync(Ct);
        Assert.Contains(await db.Events.Select(e => e.Type).ToListAsync(Ct), t => t == "PoolKeysRotated");
    }

    [Fact]
    public async Task Backups_round_trip_through_an_encrypted_external_pool()
    {
        var s3 = TestServices.RequireS3();
        await using var host = await StoragePoolTestKit.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        await StoragePoolTestKit.CreateGatewayAsync(host);
        var bucket = await StoragePoolTestKit.CreateBucketAsync(s3);
        var pool = (await host.Get<StoragePoolService>().BindExternalAsync(StoragePoolTestKit.External(s3, bucket, encrypt: true), Ct)).Value!;
        var content = new byte[20 * 1024 * 1024 + 123];
        new Random(7).NextBytes(content);

        await using var repo = await host.Get<StoragePoolService>().OpenRepositoryAsync(pool.Id, Ct);
        await using (var set = repo.Repository.CreateSet(new BackupSetHeader("dbsbak-s3crypt1", new ManifestSource("mysql", "db:3306"), "logical", DateTimeOffset.UtcNow)))
        {
            await using var writer = await set.OpenObjectAsync("dump.sql", Ct);
            await writer.WriteAsync(content, Ct);
            await writer.CompleteAsync(Ct);
            await set.CommitAsync(null, Ct);
        }

        var manifest = (await repo.Repository.ReadManifestAsync("dbsbak-s3crypt1", Ct))!;
        Assert.Equal("AES-256-GCM", manifest.Encryption!.Algorithm);
        await using var read = await repo.Repository.OpenObjectAsync(manifest, "dump.sql", repo.Key, Ct);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy, Ct);
        Assert.Equal(content, copy.ToArray());
        await repo.Repository.VerifyAsync("dbsbak-s3crypt1", repo.Key, Ct);
    }

    [Fact]
    public async Task An_operator_key_encrypts_new_pools_and_is_recorded_by_id_and_fingerprint_only()
    {
        var operatorKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        await using var host = await BackupConsole.Tests.Support.CoreTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["StoragePools:OperatorEncryptionKey"] = Convert.ToBase64String(operatorKey),
            ["StoragePools:OperatorEncryptionKeyId"] = "ops-2026",
        });
        await host.CreateTenantWithUserAsync("acme");
        var pool = (await host.Get<StoragePoolService>().BindPlatformAsync(new PlatformPoolInput("sealed", null, null, Encrypt: true), Ct)).Value!;

        await using var repo = await host.Get<StoragePoolService>().OpenRepositoryAsync(pool.Id, Ct);
        await using (var set = repo.Repository.CreateSet(new BackupSetHeader("dbsbak-opkey001", new ManifestSource("file", "/d"), "snapshot", DateTimeOffset.UtcNow)))
        {
            await using var writer = await set.OpenObjectAsync("a", Ct);
            await writer.WriteAsync(new byte[1000], Ct);
            await writer.CompleteAsync(Ct);
            await set.CommitAsync(null, Ct);
        }

        var manifest = (await repo.Repository.ReadManifestAsync("dbsbak-opkey001", Ct))!;
        Assert.Equal("operator:ops-2026", manifest.Encryption!.KeyId);
        Assert.Equal(ChunkedAesGcm.Fingerprint(operatorKey), manifest.Encryption.KeyFingerprint);
        // The key alone (what an operator restoring elsewhere holds) reads the set back.
        await repo.Repository.VerifyAsync("dbsbak-opkey001", new EncryptionKey("operator:ops-2026", operatorKey), Ct);
        await using var db = await host.Get<IDbContextFactory<BackupDbContext>>().CreateDbContextAsync(Ct);
        Assert.Null((await db.StoragePools.SingleAsync(Ct)).ProtectedEncryptionKey);
    }

    [Fact]
    public async Task A_corrupted_object_in_an_S3_pool_is_detected_on_read()
    {
        var s3 = TestServices.RequireS3();
        await using var host = await StoragePoolTestKit.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        await StoragePoolTestKit.CreateGatewayAsync(host);
        var bucket = await StoragePoolTestKit.CreateBucketAsync(s3);
        var pool = (await host.Get<StoragePoolService>().BindExternalAsync(StoragePoolTestKit.External(s3, bucket), Ct)).Value!;
        await using var repo = await host.Get<StoragePoolService>().OpenRepositoryAsync(pool.Id, Ct);
        await using (var set = repo.Repository.CreateSet(new BackupSetHeader("dbsbak-s3flip01", new ManifestSource("redis", "r:6379"), "logical", DateTimeOffset.UtcNow)))
        {
            await using var writer = await set.OpenObjectAsync("db0.rdb", Ct);
            await writer.WriteAsync(new byte[300_000].Select((_, i) => (byte)(i * 31)).ToArray(), Ct);
            await writer.CompleteAsync(Ct);
            await set.CommitAsync(null, Ct);
        }
        var entry = (await repo.Repository.ReadManifestAsync("dbsbak-s3flip01", Ct))!.Objects.Single();

        // Flip one byte of the stored object in place, as bit rot or a bad disk would.
        using var client = s3.Client();
        byte[] stored;
        using (var response = await client.GetObjectAsync(bucket, entry.Key, Ct))
        using (var buffer = new MemoryStream())
        {
            await response.ResponseStream.CopyToAsync(buffer, Ct);
            stored = buffer.ToArray();
        }
        stored[stored.Length / 3] ^= 0x01;
        await client.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = entry.Key, InputStream = new MemoryStream(stored), UseChunkEncoding = false }, Ct);

        var error = await Assert.ThrowsAsync<ChecksumMismatchException>(() => repo.Repository.VerifyAsync("dbsbak-s3flip01", null, Ct));
        Assert.Equal("db0.rdb", error.ObjectName);
    }

    [Fact]
    public async Task Health_check_marks_a_stopped_S3_service_offline_and_back_online_with_events()
    {
        await using var s3rver = await OwnS3rver.StartAsync(Ct);
        await using var host = await StoragePoolTestKit.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        await StoragePoolTestKit.CreateGatewayAsync(host);
        var bucket = await StoragePoolTestKit.CreateBucketAsync(s3rver.Service);
        var pool = (await host.Get<StoragePoolService>().BindExternalAsync(StoragePoolTestKit.External(s3rver.Service, bucket), Ct)).Value!;
        var health = host.Get<StoragePoolHealth>();

        await s3rver.StopAsync();
        await health.CheckAllAsync(Ct);
        var offline = (await host.Get<StoragePoolService>().ListAsync(Ct)).Single();
        Assert.Equal(StoragePoolStatus.Offline, offline.Status);
        Assert.NotNull(offline.StatusMessage);

        await s3rver.StartAgainAsync(Ct);
        await health.CheckAllAsync(Ct);
        Assert.Equal(StoragePoolStatus.Online, (await host.Get<StoragePoolService>().ListAsync(Ct)).Single().Status);

        await using var db = await host.Get<IDbContextFactory<BackupDbContext>>().CreateDbContextAsync(Ct);
        var events = await db.Events.Where(e => e.ResourceId == pool.Id).OrderBy(e => e.Id).ToListAsync(Ct);
        Assert.Equal(["PoolBound", "PoolOffline", "PoolOnline"], events.Select(e => e.Type));
        Assert.Equal(EventLevel.Warning, events[1].Level);
    }
}
