using BackupConsole.Core.Data;
using BackupConsole.Core.Gateways;
using BackupConsole.Core.Security;
using BackupConsole.Core.StoragePools.ObjectStores;
using Microsoft.Extensions.Options;

namespace BackupConsole.Core.StoragePools;

/// <summary>Opens the object store behind a pool: the platform's (shared, so confined to the tenant's prefix) or an external S3 bucket through the gateway.</summary>
public sealed class ObjectStoreFactory(
    IOptions<PlatformStorageOptions> platform,
    IOptions<StoragePoolOptions> pools,
    IOptions<DataOptions> data,
    ISecretProtector secrets,
    GatewayNetwork network)
{
    /// <summary>What the list shows as the platform's endpoint.</summary>
    public string PlatformEndpoint => platform.Value.IsS3 ? platform.Value.ServiceUrl.TrimEnd('/') : "file://" + PlatformDirectory;

    /// <summary>The platform's local-disk directory, or null when the platform store is S3.</summary>
    public string? PlatformLocalDirectory => platform.Value.IsS3 ? null : PlatformDirectory;

    private string PlatformDirectory =>
        platform.Value.LocalDirectory.Length > 0 ? Path.GetFullPath(platform.Value.LocalDirectory) : Path.Combine(data.Value.FullDirectory, "objects");

    public IObjectStore OpenPlatform(string tenantId, string bucket)
    {
        var options = platform.Value;
        IObjectStore store = options.IsS3
            ? new S3ObjectStore(new S3Settings(options.ServiceUrl, options.AccessKey, options.SecretKey, bucket,
                options.ForcePathStyle, options.Region, options.UseChunkEncoding, PartSize),
                options.CustomCaFile.Length > 0 ? new DirectHttpClientFactory(File.ReadAllText(options.CustomCaFile)) : null)
            : new LocalDiskObjectStore(PlatformDirectory, bucket);
        return new PrefixedObjectStore(store, tenantId);
    }

    public IObjectStore OpenExternal(
        string endpoint, string accessKey, string secretKey, string bucket, bool forcePathStyle, GatewayRoute route, string? customCaPem = null) =>
        new S3ObjectStore(
            new S3Settings(endpoint, accessKey, secretKey, bucket, forcePathStyle, PartSizeBytes: PartSize),
            new GatewayHttpClientFactory(network, route, customCaPem));

    /// <summary>The store of a stored pool; external pools need the tenant's running gateway.</summary>
    public IObjectStore Open(StoragePool pool, GatewayRoute? route) => pool.Type switch
    {
        StoragePoolType.Platform => OpenPlatform(pool.TenantId, pool.Bucket),
        _ => OpenExternal(pool.Endpoint!, pool.AccessKey!, secrets.Unprotect(pool.ProtectedSecretKey!), pool.Bucket, pool.ForcePathStyle,
            route ?? throw new InvalidOperationException($"Pool {pool.Id} is an external S3 pool and the tenant has no running gateway."),
            pool.CustomCaPem),
    };

    private int PartSize => pools.Value.PartSizeMb * 1024 * 1024;
}
