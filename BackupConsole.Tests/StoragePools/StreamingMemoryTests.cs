using System.Diagnostics;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Tests.TestBed;

namespace BackupConsole.Tests.StoragePools;

/// <summary>
/// Tests that must run alone: a memory measurement (no other test allocating beside it), and whole-server physical
/// backups (no other test changing the server's databases meanwhile).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasuredCollection
{
    public const string Name = "MemoryMeasured";
}

/// <summary>Issue #4: a 200 MB backup streams into a real S3 pool and back while the process grows by less than 150 MB.</summary>
[Collection(MemoryMeasuredCollection.Name)]
public sealed class StreamingMemoryTests
{
    private const long TotalBytes = 200L * 1024 * 1024;
    private const long AllowedGrowth = 150L * 1024 * 1024;

    [Fact]
    public async Task A_200_MB_backup_streams_into_S3_and_is_verified_in_bounded_memory()
    {
        var ct = TestContext.Current.CancellationToken;
        var s3 = TestServices.RequireS3();
        await using var host = await StoragePoolTestKit.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        await StoragePoolTestKit.CreateGatewayAsync(host);
        var pool = (await host.Get<StoragePoolService>().BindExternalAsync(
            StoragePoolTestKit.External(s3, await StoragePoolTestKit.CreateBucketAsync(s3), encrypt: true), ct)).Value!;
        await using var repo = await host.Get<StoragePoolService>().OpenRepositoryAsync(pool.Id, ct);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var baseline = process.WorkingSet64;
        long peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                await Task.Delay(20, CancellationToken.None);
            }
        }, CancellationToken.None);

        await using (var set = repo.Repository.CreateSet(new BackupSetHeader("dbsbak-200mbstr", new ManifestSource("file", "/data"), "snapshot", DateTimeOffset.UtcNow)))
        {
            await using var writer = await set.OpenObjectAsync("big.bin", ct);
            // Incompressible data made on the fly: nothing of the 200 MB ever exists in memory at once.
            var chunk = new byte[1024 * 1024];
            var random = new Random(42);
            for (long written = 0; written < TotalBytes; written += chunk.Length)
            {
                random.NextBytes(chunk);
                await writer.WriteAsync(chunk, ct);
            }
            await writer.CompleteAsync(ct);
            await set.CommitAsync(null, ct);
        }
        var verified = await repo.Repository.VerifyAsync("dbsbak-200mbstr", repo.Key, ct);

        await sampling.CancelAsync();
        await sampler;
        Assert.Equal(TotalBytes, verified.RawBytes);
        var growth = peak - baseline;
        Assert.True(growth < AllowedGrowth, $"The process grew by {growth / (1024 * 1024)} MB (baseline {baseline / (1024 * 1024)} MB, peak {peak / (1024 * 1024)} MB).");
    }
}
