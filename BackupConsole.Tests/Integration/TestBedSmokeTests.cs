using System.Diagnostics;
using System.Security.Cryptography;
using Amazon.S3.Model;
using BackupConsole.Tests.TestBed;
using MySqlConnector;
using StackExchange.Redis;

namespace BackupConsole.Tests.Integration;

/// <summary>Each real server of the test bed answers and round-trips data (issue #2's smoke test).</summary>
public sealed class TestBedSmokeTests
{
    [Fact]
    public async Task MariaDb_accepts_a_connection_and_round_trips_a_row()
    {
        var ct = TestContext.Current.CancellationToken;
        var mariadb = TestServices.RequireMariaDb();
        var database = "smoke_" + Guid.NewGuid().ToString("N")[..8];
        await using var connection = new MySqlConnection(mariadb.ConnectionString().ConnectionString);
        await connection.OpenAsync(ct);

        Assert.Contains("MariaDB", (string)(await new MySqlCommand("SELECT VERSION()", connection).ExecuteScalarAsync(ct))!);
        await new MySqlCommand($"CREATE DATABASE `{database}`; CREATE TABLE `{database}`.t (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO `{database}`.t VALUES (1, '备份');", connection).ExecuteNonQueryAsync(ct);
        try
        {
            Assert.Equal("备份", (string)(await new MySqlCommand($"SELECT v FROM `{database}`.t WHERE id = 1", connection).ExecuteScalarAsync(ct))!);
        }
        finally
        {
            await new MySqlCommand($"DROP DATABASE `{database}`", connection).ExecuteNonQueryAsync(ct);
        }
    }

    [Fact]
    public async Task Redis_accepts_a_connection_and_round_trips_a_binary_value_with_ttl()
    {
        var redis = TestServices.RequireRedis();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Options());
        var db = connection.GetDatabase();
        var key = "smoke:" + Guid.NewGuid().ToString("N");
        var value = RandomNumberGenerator.GetBytes(1000);

        await db.StringSetAsync(key, value, TimeSpan.FromMinutes(1));

        Assert.Equal(value, (byte[])(await db.StringGetAsync(key))!);
        var ttl = await db.KeyTimeToLiveAsync(key);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        await db.KeyDeleteAsync(key);
    }

    [Fact]
    public async Task S3_accepts_a_bucket_and_round_trips_an_object_byte_exact()
    {
        var ct = TestContext.Current.CancellationToken;
        var s3 = TestServices.RequireS3();
        using var client = s3.Client();
        var bucket = "smoke-" + Guid.NewGuid().ToString("N")[..12];
        var content = RandomNumberGenerator.GetBytes(100_000);

        await client.PutBucketAsync(bucket, ct);
        // Chunk encoding off: s3rver would store the aws-chunked framing as object bytes (STACK.md pitfall 1).
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a/b.bin", InputStream = new MemoryStream(content), UseChunkEncoding = false }, ct);
        using (var response = await client.GetObjectAsync(bucket, "a/b.bin", ct))
        using (var copy = new MemoryStream())
        {
            await response.ResponseStream.CopyToAsync(copy, ct);
            Assert.Equal(content.Length, copy.Length);
            Assert.Equal(SHA256.HashData(content), SHA256.HashData(copy.ToArray()));
        }
        await client.DeleteObjectAsync(bucket, "a/b.bin", ct);
        await client.DeleteBucketAsync(bucket, ct);
    }

    [Fact]
    public async Task Chromium_is_installed_and_runs()
    {
        TestServices.RequireChromium();
        var start = new ProcessStartInfo(TestServices.ChromiumPath, "--version") { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, process.ExitCode);
        Assert.Contains("Chromium", output);
    }
}
