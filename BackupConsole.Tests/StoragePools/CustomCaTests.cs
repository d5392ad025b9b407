using Amazon.Runtime;
using Amazon.S3;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.StoragePools.ObjectStores;
using BackupConsole.Tests.TestBed;

namespace BackupConsole.Tests.StoragePools;

/// <summary>R-POOL-2 over https: a private CA is trusted only when the pool is given it (custom CA off by default).</summary>
public sealed class CustomCaTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "bc-tls-" + Guid.NewGuid().ToString("N")[..8]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task An_https_pool_signed_by_a_private_CA_binds_only_with_that_CA()
    {
        var certificates = TestCertificates.Create(_directory);
        await using var s3rver = await OwnS3rver.StartAsync(Ct, (certificates.KeyPath, certificates.CertificatePath));
        var s3 = s3rver.Service;
        var bucket = "tls-" + Guid.NewGuid().ToString("N")[..10];
        using (var client = new AmazonS3Client(new BasicAWSCredentials(s3.AccessKey, s3.SecretKey), new AmazonS3Config
        {
            ServiceURL = s3.ServiceUrl,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            HttpClientFactory = new DirectHttpClientFactory(certificates.CaPem),
        }))
        {
            await client.PutBucketAsync(bucket, Ct);
        }
        await using var host = await StoragePoolTestKit.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        await StoragePoolTestKit.CreateGatewayAsync(host);
        var pools = host.Get<StoragePoolService>();
        Assert.StartsWith("https://", s3.ServiceUrl);

        var untrusted = await pools.BindExternalAsync(StoragePoolTestKit.External(s3, bucket), Ct);
        Assert.False(untrusted.Succeeded);
        Assert.Contains("SSL", untrusted.ErrorText, StringComparison.OrdinalIgnoreCase);

        var trusted = await pools.BindExternalAsync(StoragePoolTestKit.External(s3, bucket) with { CustomCaPem = certificates.CaPem }, Ct);
        Assert.True(trusted.Succeeded, trusted.ErrorText);
        Assert.Equal(StoragePoolStatus.Online, trusted.Value!.Status);
    }

    [Fact]
    public async Task A_CA_that_is_not_PEM_is_refused_on_its_field()
    {
        await using var host = await StoragePoolTestKit.StartAsync();
        await host.CreateTenantWithUserAsync("acme");

        var result = await host.Get<StoragePoolService>().BindExternalAsync(
            new ExternalPoolInput("x", null, "https://s3.example.com", "k", "s", "bucket", CustomCaPem: "not a certificate"), Ct);

        Assert.Equal("CustomCaPem", Assert.Single(result.Errors).Field);
    }
}
