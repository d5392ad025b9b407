using PutObjectRequest = Amazon.S3.Model.PutObjectRequest;
using BackupConsole.Core.Data;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Plans;
using BackupConsole.Core.Restores;
using BackupConsole.Tests.Executors;
using BackupConsole.Tests.Plans;
using BackupConsole.Tests.StoragePools;
using BackupConsole.Tests.Support;
using BackupConsole.Tests.TestBed;
using Microsoft.EntityFrameworkCore;
using MySqlConnector;

namespace BackupConsole.Tests.Restores;

/// <summary>
/// "Create instance from backup data" through the services the UI calls (R-PLAN-5): a plan's backup restored into a
/// new target of each kind against the real servers, the restored data compared with the source.
/// </summary>
[Trait(CoreTestHost.SuiteTrait, CoreTestHost.CoreSuite)]
public sealed class RestoreServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static async Task<RestoreJobView> RestoreAsync(CoreTestHost host, RestoreRequest request)
    {
        var started = await host.Get<RestoreService>().StartAsync(request, Ct);
        Assert.True(started.Succeeded, started.ErrorText);
        await host.Get<RestoreRunner>().WaitAsync(started.Value!);
        var job = await host.Get<RestoreService>().GetAsync(started.Value!, Ct);
        Assert.NotNull(job);
        Assert.True(job.Status == RestoreJobStatus.Succeeded, job.Error);
        return job;
    }

    internal static Dictionary<string, string?> Roots(string root) => new() { ["Restores:DirectoryRoots:0"] = root };

    [Fact]
    public async Task A_mysql_logical_backup_restores_into_a_new_database_whose_name_is_checked_free_first()
    {
        var mariadb = TestServices.RequireMariaDb();
        var database = await PlanRunTests.MySqlDatabaseAsync(mariadb);
        var restored = database + "_r";
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        try
        {
            var instance = await PlanTestKit.AddInstanceAsync(host, new InstanceInput("db", InstanceKind.MySql, Host: mariadb.Host, Port: mariadb.Port,
                UserName: mariadb.User, Secret: mariadb.Password));
            var planId = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("orders", instance, pool, InstanceKind.MySql, "logical") with { Selection = database });
            var backupId = await PlanTestKit.RunAsync(host, planId);
            var service = host.Get<RestoreService>();

            var source = await service.DescribeAsync(backupId, Ct);
            var taken = await service.StartAsync(new RestoreRequest(backupId, RestoreMode.NewDatabase, instance,
                new Dictionary<string, string> { [database] = database }), Ct);
            var wrongMode = await service.StartAsync(new RestoreRequest(backupId, RestoreMode.Directory, Directory: "/tmp/x"), Ct);
            var job = await RestoreAsync(host, new RestoreRequest(backupId, RestoreMode.NewDatabase, instance, new Dictionary<string, string> { [database] = restored }));

            Assert.Equal([RestoreMode.NewDatabase], source.Value!.Modes);
            Assert.Equal([database], source.Value.Databases);
            Assert.Contains(taken.Errors, e => e.Field == "DatabaseNames" && e.Message.Contains(database));
            Assert.Equal("Mode", wrongMode.Errors.Single().Field);
            Assert.Equal(3, job.ItemsDone);
            Assert.True(job.BytesDone > 0 && job.BytesDone <= job.BytesTotal, $"{job.BytesDone} of {job.BytesTotal}");
            Assert.Contains(restored, job.Summary);
            foreach (var table in new[] { "orders", "users", "audit" })
                Assert.Equal(await ChecksumAsync(mariadb, database, table), await ChecksumAsync(mariadb, restored, table));
            var events = await host.Get<PlanService>().ListEventsAsync(planId, Ct);
            Assert.Contains(events, e => e.Type == "RestoreSucceeded");
        }
        finally
        {
            await PlanRunTests.DropAsync(mariadb, database);
            await PlanRunTests.DropAsync(mariadb, restored);
        }
    }

    private static async Task<long> ChecksumAsync(MariaDbService mariadb, string database, string table)
    {
        await using var connection = new MySqlConnection(mariadb.ConnectionString().ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new MySqlCommand($"CHECKSUM TABLE `{database}`.`{table}`", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        return reader.GetInt64(1);
    }

    [Fact]
    public async Task A_mysql_physical_backup_becomes_a_new_server_registered_as_an_instance()
    {
        var mariadb = TestServices.RequireMariaDb();
        var database = await PlanRunTests.MySqlDatabaseAsync(mariadb);
        var root = Path.Combine(Path.GetTempPath(), "bc-restore-" + Guid.NewGuid().ToString("N")[..8]);
        var (host, pool) = await PlanTestKit.StartAsync(Roots(root));
        await using var _ = host;
        string? directory = null;
        try
        {
            var instance = await PlanTestKit.AddInstanceAsync(host, new InstanceInput("db", InstanceKind.MySql, Host: mariadb.Host, Port: mariadb.Port,
                UserName: mariadb.User, Secret: mariadb.Password, DataDirectory: mariadb.DataDir));
            var partialPlan = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("part", instance, pool, InstanceKind.MySql, "physical") with { Selection = database });
            var partial = await PlanTestKit.RunAsync(host, partialPlan);
            var planId = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("full", instance, pool, InstanceKind.MySql, "physical"));
            var backupId = await PlanTestKit.RunAsync(host, planId);
            var service = host.Get<RestoreService>();
            directory = Path.Combine(root, "copy");

            var outside = await service.StartAsync(new RestoreRequest(backupId, RestoreMode.NewServer, Directory: "/var/tmp/elsewhere", NewInstanceName: "copy"), Ct);
            var job = await RestoreAsync(host, new RestoreRequest(backupId, RestoreMode.NewServer, Directory: directory, NewInstanceName: "orders copy"));

            Assert.Equal("Directory", outside.Errors.Single().Field);
            // A partial copy lacks the system tables: it restores as a data directory only.
            Assert.Equal([RestoreMode.DataDirectory], (await service.DescribeAsync(partial, Ct)).Value!.Modes);
            Assert.Equal([RestoreMode.NewServer, RestoreMode.DataDirectory], (await service.DescribeAsync(backupId, Ct)).Value!.Modes);
            var created = await host.Get<InstanceService>().GetAsync(job.CreatedInstanceId!, Ct);
            Assert.NotNull(created);
            Assert.Equal("orders copy", created.Name);
            var copy = new MySqlConnectionStringBuilder(mariadb.ConnectionString().ConnectionString) { Port = (uint)created.Parts!.Port!.Value }.ConnectionString;
            Assert.Equal("2000", (await RestoredServers.ScalarAsync(copy, $"SELECT COUNT(*) FROM `{database}`.orders", Ct))?.ToString());
            Assert.Contains(created.Parts.Port.Value.ToString(), job.Summary);
        }
        finally
        {
            if (directory is not null && File.Exists(Path.Combine(directory, "mysqld.pid")))
                System.Diagnostics.Process.GetProcessById(int.Parse(File.ReadAllText(Path.Combine(directory, "mysqld.pid")).Trim())).Kill();
            await PlanRunTests.DropAsync(mariadb, database);
        }
    }

    [Fact]
    public async Task A_redis_backup_restores_into_an_empty_database_and_a_database_holding_keys_is_refused()
    {
        await using var redis = await OwnRedis.StartAsync(Ct);
        await using (var connection = await redis.ConnectAsync())
        {
            var source = connection.GetDatabase(3);
            for (var i = 0; i < 500; i++)
                await source.StringSetAsync($"key:{i}", $"value {i}");
            await source.HashSetAsync("hash", [new("a", "1"), new("b", "2")]);
            await source.StringSetAsync("ttl", "soon", TimeSpan.FromHours(1));
            await connection.GetDatabase(6).StringSetAsync("occupied", "yes");
        }
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        var instance = await PlanTestKit.AddInstanceAsync(host, new InstanceInput("cache", InstanceKind.Redis, Host: "127.0.0.1", Port: redis.Port,
            Secret: redis.Password, RedisDatabase: 3));
        var planId = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("cache", instance, pool, InstanceKind.Redis, "logical"));
        var backupId = await PlanTestKit.RunAsync(host, planId);

        var occupied = await host.Get<RestoreService>().StartAsync(new RestoreRequest(backupId, RestoreMode.RedisDatabase, instance, RedisDatabase: 6), Ct);
        var job = await RestoreAsync(host, new RestoreRequest(backupId, RestoreMode.RedisDatabase, instance, RedisDatabase: 5));

        Assert.Contains(occupied.Errors, e => e.Field == "RedisDatabase");
        Assert.Equal(502, job.ItemsDone);
        Assert.Equal(502, job.ItemsTotal);
        await using var check = await redis.ConnectAsync();
        var restored = check.GetDatabase(5);
        Assert.Equal(502, await check.GetServer(check.GetEndPoints()[0]).DatabaseSizeAsync(5));
        Assert.Equal("value 499", (string?)await restored.StringGetAsync("key:499"));
        Assert.Equal("2", (string?)await restored.HashGetAsync("hash", "b"));
        var ttl = await restored.KeyTimeToLiveAsync("ttl");
        Assert.True(ttl > TimeSpan.FromMinutes(55) && ttl <= TimeSpan.FromHours(1), ttl?.ToString());
    }

    [Fact]
    public async Task An_object_storage_snapshot_restores_into_a_new_bucket_with_keys_content_and_metadata()
    {
        var s3 = TestServices.RequireS3();
        var bucket = await StoragePoolTestKit.CreateBucketAsync(s3);
        using var client = s3.Client();
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "docs/read me.txt", ContentBody = "hello 世界", ContentType = "text/plain", UseChunkEncoding = false }, Ct);
        var meta = new PutObjectRequest { BucketName = bucket, Key = "data/blob.bin", InputStream = new MemoryStream(new byte[70_000]), ContentType = "application/octet-stream", UseChunkEncoding = false };
        meta.Metadata["owner"] = "ops";
        await client.PutObjectAsync(meta, Ct);
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        var instance = await PlanTestKit.AddInstanceAsync(host, new InstanceInput("assets", InstanceKind.ObjectStorage, Host: s3.ServiceUrl,
            UserName: s3.AccessKey, Secret: s3.SecretKey, Bucket: bucket));
        var planId = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("assets", instance, pool, InstanceKind.ObjectStorage, "snapshot"));
        var backupId = await PlanTestKit.RunAsync(host, planId);
        var target = "restored-" + Guid.NewGuid().ToString("N")[..8];

        var badName = await host.Get<RestoreService>().StartAsync(new RestoreRequest(backupId, RestoreMode.Bucket, instance, Bucket: "Bad_Name"), Ct);
        var job = await RestoreAsync(host, new RestoreRequest(backupId, RestoreMode.Bucket, instance, Bucket: target, Prefix: "copy"));

        Assert.Equal("Bucket", badName.Errors.Single().Field);
        Assert.Equal(2, job.ItemsDone);
        using (var text = await client.GetObjectAsync(target, "copy/docs/read me.txt", Ct))
        using (var reader = new StreamReader(text.ResponseStream))
        {
            Assert.Equal("hello 世界", await reader.ReadToEndAsync(Ct));
            Assert.Equal("text/plain", text.Headers.ContentType);
        }
        var blob = await client.GetObjectMetadataAsync(target, "copy/data/blob.bin", Ct);
        Assert.Equal(70_000, blob.ContentLength);
        Assert.Equal("ops", blob.Metadata["owner"]);
    }

    [Fact]
    public async Task A_file_snapshot_restores_into_a_new_directory_under_the_allowed_roots_only()
    {
        var root = Path.Combine(Path.GetTempPath(), "bc-restore-" + Guid.NewGuid().ToString("N")[..8]);
        var (host, pool) = await PlanTestKit.StartAsync(Roots(root));
        await using var _ = host;
        var instance = await PlanTestKit.AddDirectoryAsync(host);
        var planId = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("files", instance, pool));
        var backupId = await PlanTestKit.RunAsync(host, planId);
        var source = (await host.Get<InstanceService>().GetAsync(instance, Ct))!.Parts!.Path!;
        var service = host.Get<RestoreService>();
        Directory.CreateDirectory(Path.Combine(root, "busy"));
        await File.WriteAllTextAsync(Path.Combine(root, "busy", "x"), "x", Ct);

        var escape = await service.StartAsync(new RestoreRequest(backupId, RestoreMode.Directory, Directory: Path.Combine(root, "..", "escaped")), Ct);
        // A link inside the root (a restored snapshot may hold one) must not carry a later restore outside it.
        var outside = Path.Combine(Path.GetTempPath(), "bc-outside-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(outside);
        File.CreateSymbolicLink(Path.Combine(root, "link"), outside);
        var throughLink = await service.StartAsync(new RestoreRequest(backupId, RestoreMode.Directory, Directory: Path.Combine(root, "link", "inside")), Ct);
        var busy = await service.StartAsync(new RestoreRequest(backupId, RestoreMode.Directory, Directory: Path.Combine(root, "busy")), Ct);
        var relative = await service.StartAsync(new RestoreRequest(backupId, RestoreMode.Directory, Directory: "restored"), Ct);
        var job = await RestoreAsync(host, new RestoreRequest(backupId, RestoreMode.Directory, Directory: Path.Combine(root, "new")));

        Assert.Equal("Directory", escape.Errors.Single().Field);
        Assert.Equal("Directory", throughLink.Errors.Single().Field);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        Assert.Contains("不为空", busy.Errors.Single().Message);
        Assert.Equal("Directory", relative.Errors.Single().Field);
        Assert.Equal(2, job.ItemsDone);
        foreach (var name in new[] { "a.txt", "b.bin" })
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(source, name), Ct), await File.ReadAllBytesAsync(Path.Combine(root, "new", name), Ct));
    }

    [Fact]
    public async Task A_cancelled_restore_ends_cancelled_and_removes_the_directory_it_was_writing()
    {
        var root = Path.Combine(Path.GetTempPath(), "bc-restore-" + Guid.NewGuid().ToString("N")[..8]);
        var (host, pool) = await PlanTestKit.StartAsync(Roots(root));
        await using var _ = host;
        var instance = await PlanTestKit.AddDirectoryAsync(host);
        var source = (await host.Get<InstanceService>().GetAsync(instance, Ct))!.Parts!.Path!;
        // Enough files that the restore is still writing when the cancel arrives.
        for (var i = 0; i < 3000; i++)
            await File.WriteAllBytesAsync(Path.Combine(source, $"f{i:D4}.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(4096), Ct);
        var planId = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("files", instance, pool));
        var backupId = await PlanTestKit.RunAsync(host, planId);
        var service = host.Get<RestoreService>();
        var target = Path.Combine(root, "cancelled");

        var started = await service.StartAsync(new RestoreRequest(backupId, RestoreMode.Directory, Directory: target), Ct);
        var cancel = await service.CancelAsync(started.Value!, Ct);
        await host.Get<RestoreRunner>().WaitAsync(started.Value!);
        var job = await service.GetAsync(started.Value!, Ct);
        var again = await service.CancelAsync(started.Value!, Ct);

        Assert.True(cancel.Succeeded, cancel.ErrorText);
        Assert.Equal(RestoreJobStatus.Cancelled, job!.Status);
        Assert.False(Directory.Exists(target));
        Assert.False(again.Succeeded);
        var events = await host.Get<PlanService>().ListEventsAsync(planId, Ct);
        Assert.Contains(events, e => e.Type == "RestoreCancelled");
    }

    [Fact]
    public async Task A_restore_a_stopped_console_left_running_is_failed_at_the_next_start()
    {
        var (host, pool) = await PlanTestKit.StartAsync();
        await using var _ = host;
        var instance = await PlanTestKit.AddDirectoryAsync(host);
        var planId = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("files", instance, pool));
        var backupId = await PlanTestKit.RunAsync(host, planId);
        await using (var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!))
        {
            // What a killed console leaves: a job row still "running" that no runner owns.
            db.RestoreJobs.Add(new RestoreJob
            {
                Id = "dbsrst-orphan", BackupId = backupId, PlanId = planId, PoolId = pool, Target = "/tmp/gone", ReadsBackups = $",{backupId},",
                Status = RestoreJobStatus.Running, StartedAt = DateTimeOffset.UtcNow.AddMinutes(-5),
            });
            await db.SaveChangesAsync(Ct);
        }

        var failed = await host.Get<RestoreRunner>().FailInterruptedAsync(null, Ct);
        var job = await host.Get<RestoreService>().GetAsync("dbsrst-orphan", Ct);
        var delete = await host.Get<BackupDataService>().DeleteAsync(backupId, Ct);

        Assert.Equal(1, failed);
        Assert.Equal(RestoreJobStatus.Failed, job!.Status);
        Assert.Contains("控制台在恢复过程中停止", job.Error);
        // The backup is no longer held by a restore that will never end.
        Assert.True(delete.Succeeded, delete.ErrorText);
        Assert.Contains(await host.Get<PlanService>().ListEventsAsync(planId, Ct), e => e.Type == "RestoreFailed");
    }

    [Fact]
    public async Task Another_tenant_cannot_restore_read_or_cancel_this_tenants_backups()
    {
        var root = Path.Combine(Path.GetTempPath(), "bc-restore-" + Guid.NewGuid().ToString("N")[..8]);
        var (host, pool) = await PlanTestKit.StartAsync(Roots(root));
        await using var _ = host;
        var instance = await PlanTestKit.AddDirectoryAsync(host);
        var planId = await PlanTestKit.AddPlanAsync(host, PlanTestKit.Manual("files", instance, pool));
        var backupId = await PlanTestKit.RunAsync(host, planId);
        var job = await RestoreAsync(host, new RestoreRequest(backupId, RestoreMode.Directory, Directory: Path.Combine(root, "mine")));

        await host.CreateTenantWithUserAsync("globex");
        var service = host.Get<RestoreService>();
        var start = await service.StartAsync(new RestoreRequest(backupId, RestoreMode.Directory, Directory: Path.Combine(root, "theirs")), Ct);

        Assert.False(start.Succeeded);
        Assert.Null(await service.GetAsync(job.Id, Ct));
        Assert.Empty(await service.ListAsync(planId, ct: Ct));
        Assert.Empty(await service.ListAsync(ct: Ct));
        Assert.False(Directory.Exists(Path.Combine(root, "theirs")));
    }
}
