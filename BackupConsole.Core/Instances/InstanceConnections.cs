using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.Executors.Objects;
using BackupConsole.Core.Executors.Redis;
using BackupConsole.Core.Gateways;
using BackupConsole.Core.Security;
using BackupConsole.Core.StoragePools.ObjectStores;

namespace BackupConsole.Core.Instances;

/// <summary>Turns a registered instance into what the executors connect with, the secret decrypted only here.</summary>
public sealed class InstanceConnections(ISecretProtector secrets, GatewayNetwork network)
{
    public MySqlEndpoint MySql(Instance instance) =>
        new(instance.Host!, instance.Port ?? 3306, instance.UserName!, Secret(instance), instance.DataDirectory);

    public RedisEndpoint Redis(Instance instance) =>
        new(instance.Host!, instance.Port ?? 6379, string.IsNullOrEmpty(instance.UserName) ? null : instance.UserName,
            string.IsNullOrEmpty(instance.ProtectedSecret) ? null : Secret(instance), instance.RedisDatabase);

    /// <param name="route">The tenant's gateway route; external buckets are reached only through it.</param>
    public ObjectStorageBucket Bucket(Instance instance, GatewayRoute? route)
    {
        if (instance.External && route is null)
            throw new InvalidOperationException($"Instance {instance.Name} is external and the tenant has no running backup gateway.");
        var settings = new S3Settings(instance.Host!, instance.UserName!, Secret(instance), instance.Bucket!);
        return new ObjectStorageBucket(settings, instance.Prefix ?? "", instance.External ? new GatewayHttpClientFactory(network, route!) : null);
    }

    private string Secret(Instance instance) =>
        string.IsNullOrEmpty(instance.ProtectedSecret) ? "" : secrets.Unprotect(instance.ProtectedSecret);
}
