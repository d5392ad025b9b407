using BackupConsole.Core.StoragePools.Repository;
using Microsoft.Extensions.Logging;

namespace BackupConsole.Core.Executors.Redis;

/// <summary>
/// Restores a logical Redis backup (R-PLAN-5) with pipelined <c>RESTORE … REPLACE ABSTTL</c>, a thousand per write: keys
/// keep their absolute expiry, keys that expired since the backup are skipped. Refuses a target database that holds
/// keys unless asked.
/// </summary>
public sealed class RedisLogicalRestore(ILogger<RedisLogicalRestore> logger)
{
    /// <summary>RESTOREs sent per write, and writes whose replies may be outstanding at once.</summary>
    private const int PageSize = 1000;
    private const int PagesInFlight = 8;

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

        await using var resp = await RespConnection.OpenAsync(target, ct);
        if (!overwrite)
        {
            foreach (var db in databases)
            {
                long size;
                try
                {
                    await resp.SelectAsync(Into(db), ct);
                    size = await resp.DatabaseSizeAsync(ct);
                }
                catch (RespErrorException ex)
                {
                    throw new BackupException($"Redis {target.Description} refused to say whether database {Into(db)} is empty ({ex.Message}).", ex);
                }
                if (size > 0)
                    throw new BackupException($"Redis database {Into(db)} on {target.Host}:{target.Port} already holds {size} keys; restore into an empty one, or ask to overwrite.");
            }
        }

        TransferProgress.Total(progress, databases.Sum(db => long.TryParse(manifest.Properties.GetValueOrDefault($"keys.{db}"), out var n) ? n : 0));
        long restored = 0, expired = 0;
        foreach (var db in databases)
        {
            try
            {
                await RestoreDatabaseAsync(db, Into(db));
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException && !ct.IsCancellationRequested)
            {
                throw new BackupException(
                    $"The connection to Redis {target.Description} was lost while restoring database {Into(db)} ({ex.Message}): the server restarted or closed it. Keys restored so far stay; restore again with overwrite.", ex);
            }
            catch (RespErrorException ex)
            {
                throw new BackupException($"Redis {target.Description} refused a command while restoring database {Into(db)}: {ex.Message}", ex);
            }
        }
        logger.LogInformation("Restored {BackupId} into {Target}: {Keys} keys, {Expired} expired meanwhile", manifest.BackupId, target.Description, restored, expired);
        return new Result(restored, expired);

        async Task RestoreDatabaseAsync(int db, int into)
        {
            progress?.Report($"db {db} → {into}");
            await resp.SelectAsync(into, ct);
            // Replies still to read, one count per write: a sliding window, so the server always has the next page.
            var outstanding = new Queue<int>();
            var page = 0;
            async Task SendAsync()
            {
                await resp.FlushAsync(ct);
                outstanding.Enqueue(page);
                restored += page;
                TransferProgress.Count(progress, page);
                page = 0;
                if (outstanding.Count >= PagesInFlight)
                    await ReadRepliesAsync(resp.Reader, outstanding.Dequeue(), manifest, target, ct);
            }
            await using var input = await repository.OpenObjectAsync(manifest, RedisDumpFormat.ObjectName(db), key, ct);
            await foreach (var record in RedisDumpFormat.ReadAsync(input, ct))
            {
                if (record.ExpireAtMs != 0 && record.ExpireAtMs <= DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())
                {
                    expired++;
                    continue;
                }
                // REPLACE: SCAN may have listed a key twice; both copies are the backup's own.
                resp.Writer.Command(6).Bulk("RESTORE").Bulk(record.Key).Bulk(record.ExpireAtMs).Bulk(record.Dump).Bulk("REPLACE").Bulk("ABSTTL");
                if (++page == PageSize)
                    await SendAsync();
            }
            if (page > 0)
                await SendAsync();
            while (outstanding.TryDequeue(out var count))
                await ReadRepliesAsync(resp.Reader, count, manifest, target, ct);
            progress?.Report($"db {into}: {restored} keys restored, {expired} expired since the backup");
        }
    }

    /// <summary>Reads <paramref name="count"/> RESTORE replies; the first refusal stops the restore with what Redis said.</summary>
    private static async Task ReadRepliesAsync(RespReader reader, int count, BackupManifest manifest, RedisEndpoint target, CancellationToken ct)
    {
        try
        {
            for (var i = 0; i < count; i++)
                await reader.ReadStatusAsync(ct);
        }
        catch (RespErrorException ex) when (ex.Message.Contains("payload version", StringComparison.OrdinalIgnoreCase))
        {
            throw new BackupException(
                $"The target Redis cannot read backup {manifest.BackupId}'s values (taken from Redis {manifest.Properties.GetValueOrDefault("redisVersion")}): restore into the same or a newer version.", ex);
        }
        catch (RespErrorException ex)
        {
            throw new BackupException($"Redis {target.Description} refused a key of backup {manifest.BackupId}: {ex.Message}", ex);
        }
    }
}
