using BackupConsole.Core.Executors;
using BackupConsole.Core.Gateways;
using MySqlConnector;

namespace BackupConsole.Core.Instances;

/// <summary>Connects to an instance the way a backup would and says what stops it: the connection test and the health check.</summary>
public sealed class InstanceProbe(InstanceConnections connections)
{
    /// <returns>Null when the instance answers; otherwise the reason, without any secret.</returns>
    public async Task<string?> CheckAsync(Instance instance, GatewayRoute? route, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await using var relay = connections.RelayFor(instance, route);
            switch (instance.Kind)
            {
                case InstanceKind.MySql:
                    await using (var connection = new MySqlConnection(connections.MySql(instance, relay).ConnectionString()))
                    {
                        await connection.OpenAsync(limit.Token);
                        await using var command = new MySqlCommand("SELECT 1", connection);
                        await command.ExecuteScalarAsync(limit.Token);
                    }
                    return null;
                case InstanceKind.Redis:
                    await using (var redis = await connections.Redis(instance, relay).ConnectAsync(limit.Token))
                        await redis.GetDatabase(instance.RedisDatabase ?? 0).PingAsync();
                    return null;
                case InstanceKind.ObjectStorage:
                    using (var bucket = connections.Bucket(instance, route))
                        await foreach (var _ in bucket.ListAsync(limit.Token))
                            break;
                    return null;
                default:
                    return Directory.Exists(instance.Path) ? null : $"{instance.Path} is not a directory on this host";
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"no answer within {timeout.TotalSeconds:0} s";
        }
        catch (Exception ex) when (ex is MySqlException or BackupException or Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException
                                       or HttpRequestException or IOException or InvalidOperationException or System.Net.Sockets.SocketException
                                       or StackExchange.Redis.RedisException)
        {
            return ex.Message.Split('\n')[0];
        }
    }
}
