using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.Executors.Objects;
using BackupConsole.Core.Executors.Redis;
using BackupConsole.Core.Gateways;
using BackupConsole.Core.Security;
using BackupConsole.Core.StoragePools.ObjectStores;
using Microsoft.Extensions.Logging;

namespace BackupConsole.Core.Instances;

/// <summary>Turns a registered instance into what the executors connect with, the secret decrypted only here.</summary>
public sealed class InstanceConnections(ISecretProtector secrets, GatewayNetwork network, ILogger<GatewayRelay> relayLogger)
{
    /// <summary>
    /// For an external MySQL or Redis instance, a loopback relay through the gateway that the client connects to
    /// instead (dispose it after the run); null for instances reached directly and for object storage, whose client
    /// takes the gateway's HTTP handler itself.
    /// </summary>
    public GatewayRelay? RelayFor(Instance instance, GatewayRoute? route)
    {
        if (!instance.External || instance.Kind is not (InstanceKind.MySql or InstanceKind.Redis))
            return null;
        if (route is null)
            throw new InvalidOperationException($"Instance {instance.Name} is external and the tenant has no running backup gateway.");
        return GatewayRelay.Start(network, route, instance.Host!, instance.Port ?? DefaultPort(instance), relayLogger);
    }

    private static int DefaultPort(Instance instance) => instance.Kind == InstanceKind.MySql ? 3306 : 6379;

    public MySqlEndpoint MySql(Instance instance, GatewayRelay? relay = null) =>
        new(relay is null ? instance.Host! : "127.0.0.1", relay?.Port ?? instance.Port ?? 3306, instance.UserName!, Secret(instance), instance.DataDirectory)
        {
            RealAddress = relay is null ? null : $"{instance.Host}:{instance.Port ?? 3306}",
        };

    public RedisEndpoint Redis(Instance instance, GatewayRelay? relay = null) =>
        new(relay is null ? instance.Host! : "127.0.0.1", relay?.Port ?? instance.Port ?? 6379, string.IsNullOrEmpty(instance.UserName) ? null : instance.UserName,
            string.IsNullOrEmpty(instance.ProtectedSecret) ? null : Secret(instance), instance.RedisDatabase)
        {
            RealAddress = relay is null ? null : $"{instance.Host}:{instance.Port ?? 6379}",
        };

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
