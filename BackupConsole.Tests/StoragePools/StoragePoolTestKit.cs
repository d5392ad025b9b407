using BackupConsole.Core.Gateways;
using BackupConsole.Core.StoragePools;
using BackupConsole.Tests.Support;
using BackupConsole.Tests.TestBed;
using Microsoft.Extensions.DependencyInjection;

namespace BackupConsole.Tests.StoragePools;

/// <summary>Shared set-up for pool tests: a tenant, optionally its gateway, and plans that "use" pools until plans exist (#7).</summary>
internal static class StoragePoolTestKit
{
    public static async Task<CoreTestHost> StartAsync(PlansUsingPools? plans = null) =>
        await CoreTestHost.StartAsync(services: s => s.AddSingleton<IStoragePoolDependents>(plans ?? new PlansUsingPools()));

    public static async Task CreateGatewayAsync(CoreTestHost host)
    {
        // Not assigned to this host, so connections are not bound; the limiter is far above loopback needs.
        var result = await host.Get<GatewayService>().CreateAsync(new GatewayInput("gw", "203.0.113.10", Gateway.MaxBandwidthMbps, null, []));
        Assert.True(result.Succeeded, result.ErrorText);
    }

    public static async Task<string> CreateBucketAsync(S3Service s3)
    {
        var bucket = "pool-" + Guid.NewGuid().ToString("N")[..12];
        using var client = s3.Client();
        await client.PutBucketAsync(bucket, TestContext.Current.CancellationToken);
        return bucket;
    }

    public static ExternalPoolInput External(S3Service s3, string bucket, string name = "ext", string? secret = null, bool encrypt = false) =>
        new(name, "remark", s3.ServiceUrl, s3.AccessKey, secret ?? s3.SecretKey, bucket, ForcePathStyle: true, Encrypt: encrypt);
}

/// <summary>Stands in for backup plans (issue #7) as the users of pools: R-POOL-5 only needs their names.</summary>
internal sealed class PlansUsingPools : IStoragePoolDependents
{
    public Dictionary<string, List<string>> ByPool { get; } = [];

    public Task<IReadOnlyList<string>> PlansUsingAsync(string poolId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<string>>(ByPool.TryGetValue(poolId, out var plans) ? plans : []);
}
