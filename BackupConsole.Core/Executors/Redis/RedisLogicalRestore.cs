using BackupConsole.Core.StoragePools.Repository;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace BackupConsole.Core.Executors.Redis;

/// <summary>
/// Restores a logical Redis backup (R-PLAN-5) with pipelined <c>RESTORE … ABSTTL REPLACE</c>: keys keep their absolute
/// expiry, keys that expired since the backup are skipped. Refuses a target database that holds keys unless asked.
/// </summary>
public sealed class RedisLogicalRestore(ILogger<RedisLogicalRestore> logger)
{
    /// <summary>RESTOREs in flight at once on the one connection.</summary>
    private const int InFlight = 5000;

    public sealed record Result(long Restored, long Expired);

    /// <param name="overwrite">Restore into databases that already hold keys (backup keys replace same-named ones).</param>
    public async Task<Result> RunAsync(
        BackupRepository repository, BackupManifest manifest, EncryptionKey? key, RedisEndpoint target, bool overwrite,
        IProgress<string>? progress, CancellationToken ct)
    {
        if (manifest.Source.Kind != "redis" || manifest.BackupType != "logical")
            throw new BackupException($"Backup {manifest.BackupId} is a {manifest.Source.Kind} {manifest.BackupType} backup, not a Redis one.");
        var databases = manifest.Properties.GetValueOrDefault("databases", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        if (target.Database is not null && databases.Length > 1)
            throw new BackupException(
                $"Backup {manifest.BackupId} holds databases {string.Join(", ", databases)}; restore it into a server (redis://HOST:PORT, each into the same number), not into one database.");
        int Into(int db) => target.Database ?? db;

        await using var connection = await target.ConnectAsync(ct);
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        if (!overwrite)
        {
            foreach (var db in databases)
            {
                var size = await server.DatabaseSizeAsync(Into(db));
                if (size > 0)
                    throw new BackupException($"Redis database {Into(db)} on {target.Host}:{target.Port} already holds {size} keys; restore into an empty one, or ask to overwrite.");
            }
        }

        long restored = 0, expired = 0;
        foreach (var db in databases)
        {
            var database = connection.GetDatabase(Into(db));
            progress?.Report($"db {db} → {Into(db)}");
            var pending = new List<Task>(InFlight);
            await using var input = await repository.OpenObjectAsync(manifest, RedisDumpFormat.ObjectName(db), key, ct);
            await foreach (var record in RedisDumpFormat.ReadAsync(input, ct))
            {
                if (record.ExpireAtMs != 0 && record.ExpireAtMs <= DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())
                {
                    expired++;
                    continue;
                }
                // REPLACE: SCAN may have listed a key twice; both copies are the backup's own.
                pending.Add(database.ExecuteAsync("RESTORE", (RedisKey)record.Key, record.ExpireAtMs, record.Dump, "REPLACE", "ABSTTL"));
                if (pending.Count >= InFlight)
                    restored += await AwaitAsync(pending, manifest);
            }
            restored += await AwaitAsync(pending, manifest);
            progress?.Report($"db {Into(db)}: {restored} keys restored, {expired} expired since the backup");
        }
        logger.LogInformation("Restored {BackupId} into {Target}: {Keys} keys, {Expired} expired meanwhile", manifest.BackupId, target.Description, restored, expired);
        return new Result(restored, expired);
    }

    private static async Task<long> AwaitAsync(List<Task> pending, BackupManifest manifest)
    {
        try
        {
            await Task.WhenAll(pending);
        }
        catch (RedisServerException ex) when (ex.Message.Contains("payload version", StringComparison.OrdinalIgnoreCase))
        {
            throw new BackupException(
                $"The target Redis cannot read backup {manifest.BackupId}'s values (taken from Redis {manifest.Properties.GetValueOrDefault("redisVersion")}): restore into the same or a newer version.", ex);
        }
        var count = pending.Count;
        pending.Clear();
        return count;
    }
}
