using BackupConsole.Core.StoragePools.Repository;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace BackupConsole.Core.Executors.Redis;

/// <summary>
/// Restores a logical Redis backup (R-PLAN-5) with <c>RESTORE … ABSTTL REPLACE</c>, a page of keys per script call: keys keep their absolute
/// expiry, keys that expired since the backup are skipped. Refuses a target database that holds keys unless asked.
/// </summary>
public sealed class RedisLogicalRestore(ILogger<RedisLogicalRestore> logger)
{
    /// <summary>Keys restored by one script call, and calls in flight at once on the one connection.</summary>
    private const int PageSize = 1000;
    private const int PagesInFlight = 8;

    /// <summary>
    /// RESTORE for a page of keys in one script call: one command for the server to parse per thousand keys instead
    /// of one per key. Servers that refuse scripts get the RESTOREs pipelined one by one.
    /// </summary>
    private const string RestorePageScript = """
        for i, key in ipairs(KEYS) do
          redis.call('RESTORE', key, ARGV[2 * i - 1], ARGV[2 * i], 'REPLACE', 'ABSTTL')
        end
        return #KEYS
        """;

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

        TransferProgress.Total(progress, databases.Sum(db => long.TryParse(manifest.Properties.GetValueOrDefault($"keys.{db}"), out var n) ? n : 0));
        long restored = 0, expired = 0;
        bool? scripted = null;
        foreach (var db in databases)
        {
            var database = connection.GetDatabase(Into(db));
            progress?.Report($"db {db} → {Into(db)}");
            var pending = new List<Task>(PagesInFlight);
            var keys = new List<RedisKey>(PageSize);
            var values = new List<RedisValue>(2 * PageSize);
            async Task IssueAsync()
            {
                scripted ??= await ScriptsAllowedAsync(database);
                if (scripted.Value)
                {
                    pending.Add(database.ScriptEvaluateAsync(RestorePageScript, keys.ToArray(), values.ToArray()));
                }
                else
                {
                    // REPLACE: SCAN may have listed a key twice; both copies are the backup's own.
                    for (var i = 0; i < keys.Count; i++)
                        pending.Add(database.ExecuteAsync("RESTORE", keys[i], values[2 * i], values[2 * i + 1], "REPLACE", "ABSTTL"));
                }
                restored += keys.Count;
                TransferProgress.Count(progress, keys.Count);
                keys.Clear();
                values.Clear();
                // A sliding window: waiting for the whole window at once left the server idle while it refilled.
                var page = scripted.Value ? 1 : PageSize;
                if (pending.Count >= PagesInFlight * page)
                    await AwaitAsync(pending, page, manifest);
            }
            await using var input = await repository.OpenObjectAsync(manifest, RedisDumpFormat.ObjectName(db), key, ct);
            await foreach (var record in RedisDumpFormat.ReadAsync(input, ct))
            {
                if (record.ExpireAtMs != 0 && record.ExpireAtMs <= DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())
                {
                    expired++;
                    continue;
                }
                keys.Add(record.Key);
                values.Add(record.ExpireAtMs);
                values.Add(record.Dump);
                if (keys.Count == PageSize)
                    await IssueAsync();
            }
            if (keys.Count > 0)
                await IssueAsync();
            await AwaitAsync(pending, pending.Count, manifest);
            progress?.Report($"db {Into(db)}: {restored} keys restored, {expired} expired since the backup");
        }
        logger.LogInformation("Restored {BackupId} into {Target}: {Keys} keys, {Expired} expired meanwhile", manifest.BackupId, target.Description, restored, expired);
        return new Result(restored, expired);
    }

    /// <summary>Whether the server runs the page script: an empty page tells without writing anything.</summary>
    private async Task<bool> ScriptsAllowedAsync(IDatabase database)
    {
        try
        {
            await database.ScriptEvaluateAsync(RestorePageScript, [], []);
            return true;
        }
        catch (RedisServerException ex)
        {
            logger.LogInformation("Redis refuses the restore script ({Reason}); restoring with pipelined RESTORE instead", ex.Message);
            return false;
        }
    }

    /// <summary>Waits for the oldest <paramref name="count"/> calls in flight and drops them from the list.</summary>
    private static async Task AwaitAsync(List<Task> pending, int count, BackupManifest manifest)
    {
        try
        {
            await Task.WhenAll(pending.Take(count));
        }
        catch (RedisServerException ex) when (ex.Message.Contains("payload version", StringComparison.OrdinalIgnoreCase))
        {
            throw new BackupException(
                $"The target Redis cannot read backup {manifest.BackupId}'s values (taken from Redis {manifest.Properties.GetValueOrDefault("redisVersion")}): restore into the same or a newer version.", ex);
        }
        pending.RemoveRange(0, count);
    }
}
