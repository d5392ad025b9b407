using System.Globalization;
using System.Text;
using BackupConsole.Core.StoragePools.Repository;
using Microsoft.Extensions.Logging;

namespace BackupConsole.Core.Executors.Redis;

/// <summary>
/// Logical Redis backup (R-SCOPE-1): SCAN with a large COUNT and, for every page of keys, DUMP (and PTTL) of each key
/// in one pipelined MULTI/EXEC, streamed into one object per logical database.
/// Consistency: SCAN returns every key that exists for the whole scan at least once, each value and its expiry are
/// read at the same instant, but the set as a whole is not one instant — keys written during the backup may or may
/// not be in it, and two keys changed together may be taken at different moments (docs/redis.md).
/// </summary>
public sealed class RedisLogicalBackup(ILogger<RedisLogicalBackup> logger)
{
    public const int PageSize = 1000;

    public async Task<IReadOnlyDictionary<string, string>> RunAsync(
        RedisEndpoint source, BackupSetWriter set, IProgress<string>? progress, CancellationToken ct)
    {
        await using var resp = await RespConnection.OpenAsync(source, ct);
        string? version;
        var infoAllowed = true;
        try
        {
            version = RespConnection.InfoField(await resp.InfoAsync("server", ct), "redis_version");
        }
        catch (RespErrorException ex)
        {
            logger.LogInformation("Redis {Source} refuses INFO ({Reason}): every page is read with PTTL", source.Description, ex.Message);
            infoAllowed = false;
            version = await resp.HelloVersionAsync(ct);
        }
        var mode = await ReadModeAsync(resp, infoAllowed, ct);
        int[] databases;
        try
        {
            databases = source.Database is { } only ? [only] : KeyspaceDatabases(await resp.InfoAsync("keyspace", ct));
        }
        catch (RespErrorException ex)
        {
            throw new BackupException($"Redis {source.Description} does not list its databases to this user ({ex.Message}); name the database in the source (redis://…/N).", ex);
        }
        var properties = new Dictionary<string, string>
        {
            ["redisVersion"] = version ?? "unknown",
            ["databases"] = string.Join(",", databases),
        };
        long total = 0;
        foreach (var db in databases)
        {
            progress?.Report($"db {db}: scanning");
            long keys;
            try
            {
                await resp.SelectAsync(db, ct);
                keys = await DumpDatabaseAsync(resp, mode, db, set, progress, ct);
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException && !ct.IsCancellationRequested)
            {
                // Said plainly for the run's error: the socket's own text does not say what happened.
                throw new BackupException(
                    $"The connection to Redis {source.Description} was lost while reading database {db} ({ex.Message}): the server restarted or closed it. Nothing of this run is kept; run it again.", ex);
            }
            catch (RespErrorException ex)
            {
                throw new BackupException($"Redis {source.Description} refused a command while reading database {db}: {ex.Message}", ex);
            }
            properties[$"keys.{db}"] = keys.ToString(CultureInfo.InvariantCulture);
            total += keys;
        }
        logger.LogInformation("Redis backup of {Source}: {Keys} keys in {Databases} database(s)", source.Description, total, databases.Length);
        return properties;
    }

    /// <summary>The logical databases that hold keys, from INFO keyspace (<c>db0:keys=…</c>).</summary>
    internal static int[] KeyspaceDatabases(string keyspace) =>
        keyspace.Split('\n')
            .Select(line => line.Split(':', 2)[0])
            .Where(name => name.StartsWith("db", StringComparison.Ordinal) && int.TryParse(name.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Select(name => int.Parse(name.AsSpan(2), CultureInfo.InvariantCulture))
            .Order()
            .ToArray();

    /// <summary>
    /// How a page's values are read. <see cref="Transaction"/>: MULTI, INFO keyspace, DUMP of each key, EXEC — one
    /// atomic step, and when INFO says the database holds no key with an expiry at that instant, no key of the page
    /// can have one, so PTTL (a third of the server's time) is left out; otherwise the page is read again with PTTL
    /// of each key in the same transaction. <see cref="TransactionWithoutInfo"/>: the same with PTTL always, for a
    /// user that may not run INFO. <see cref="Pipelined"/>: DUMP and PTTL of each key back to back, for a user that
    /// may not run MULTI; each key's value and expiry are then read one after the other, not at one instant.
    /// </summary>
    private enum ReadMode { Transaction, TransactionWithoutInfo, Pipelined }

    private abstract record Pending;

    private sealed record ScanPending : Pending;

    private sealed record PagePending(byte[][] Keys, bool WithTtl) : Pending;

    /// <summary>Whether this user may run MULTI, asked once per run: an empty transaction tells without touching data.</summary>
    private async Task<ReadMode> ReadModeAsync(RespConnection resp, bool infoAllowed, CancellationToken ct)
    {
        resp.Writer.Command("MULTI");
        await resp.FlushAsync(ct);
        try
        {
            await resp.Reader.ReadStatusAsync(ct);
        }
        catch (RespErrorException ex)
        {
            logger.LogInformation("Redis refuses MULTI ({Reason}): DUMP and PTTL are pipelined key by key", ex.Message);
            return ReadMode.Pipelined;
        }
        resp.Writer.Command("DISCARD");
        await resp.FlushAsync(ct);
        await resp.Reader.ReadStatusAsync(ct);
        return infoAllowed ? ReadMode.Transaction : ReadMode.TransactionWithoutInfo;
    }

    /// <summary>
    /// Pipelined so that the server never waits for us: when a SCAN reply comes, the next SCAN and this page's
    /// transaction go out together, and the previous page's values are read while the server works on them. Replies
    /// come back in the order the commands went out, which is the order of <c>pending</c>.
    /// </summary>
    private static async Task<long> DumpDatabaseAsync(RespConnection resp, ReadMode mode, int db, BackupSetWriter set, IProgress<string>? progress, CancellationToken ct)
    {
        var withTtl = mode != ReadMode.Transaction;
        await using var writer = await set.OpenObjectAsync(RedisDumpFormat.ObjectName(db), ct);
        var buffer = new MemoryStream(1 << 20);
        buffer.Write(RedisDumpFormat.Header);
        long written = 0, reported = 0;
        var pending = new Queue<Pending>();
        WriteScan(resp.Writer, "0"u8);
        pending.Enqueue(new ScanPending());
        await resp.FlushAsync(ct);
        while (pending.TryDequeue(out var item))
        {
            ct.ThrowIfCancellationRequested();
            if (item is ScanPending)
            {
                var (cursor, keys) = await ReadScanAsync(resp.Reader, ct);
                if (!cursor.AsSpan().SequenceEqual("0"u8))
                {
                    WriteScan(resp.Writer, cursor);
                    pending.Enqueue(new ScanPending());
                }
                if (keys.Length > 0)
                {
                    WritePage(resp.Writer, mode, keys, withTtl);
                    pending.Enqueue(new PagePending(keys, withTtl));
                }
                await resp.FlushAsync(ct);
                continue;
            }
            var page = (PagePending)item;
            var added = await ReadPageAsync(resp.Reader, mode, page, db, buffer, ct);
            if (added is null)
            {
                // Keys with an expiry appeared: this page, and every page from now on, is read with PTTL.
                withTtl = true;
                WritePage(resp.Writer, mode, page.Keys, withTtl: true);
                pending.Enqueue(page with { WithTtl = true });
                await resp.FlushAsync(ct);
                continue;
            }
            written += added.Value;
            if (buffer.Length >= 1 << 20)
            {
                await writer.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
                buffer.SetLength(0);
            }
            if (written - reported >= 100_000)
            {
                reported = written;
                progress?.Report($"db {db}: {written} keys");
            }
        }

        RedisDumpFormat.WriteEnd(buffer, written);
        await writer.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
        await writer.CompleteAsync(ct);
        progress?.Report($"db {db}: {written} keys");
        return written;
    }

    private static void WriteScan(RespWriter writer, ReadOnlySpan<byte> cursor) =>
        writer.Command(4).Bulk("SCAN").Bulk(cursor).Bulk("COUNT").Bulk(PageSize);

    private static async ValueTask<(byte[] Cursor, byte[][] Keys)> ReadScanAsync(RespReader reader, CancellationToken ct)
    {
        if (await reader.ReadArrayHeaderAsync(ct) != 2)
            throw new InvalidDataException("Redis's SCAN reply is not a cursor and a page of keys.");
        var cursor = await reader.ReadBulkAsync(ct) ?? throw new InvalidDataException("Redis's SCAN reply has no cursor.");
        var keys = new byte[await reader.ReadArrayHeaderAsync(ct)][];
        for (var i = 0; i < keys.Length; i++)
            keys[i] = await reader.ReadBulkAsync(ct) ?? throw new InvalidDataException("Redis's SCAN reply holds a null key.");
        return (cursor, keys);
    }

    private static void WritePage(RespWriter writer, ReadMode mode, byte[][] keys, bool withTtl)
    {
        if (mode == ReadMode.Pipelined)
        {
            foreach (var key in keys)
            {
                writer.Command(2).Bulk("DUMP").Bulk(key);
                writer.Command(2).Bulk("PTTL").Bulk(key);
            }
            return;
        }
        writer.Command("MULTI");
        if (!withTtl)
            writer.Command("INFO", "keyspace");
        foreach (var key in keys)
            writer.Command(2).Bulk("DUMP").Bulk(key);
        if (withTtl)
            foreach (var key in keys)
                writer.Command(2).Bulk("PTTL").Bulk(key);
        writer.Command("EXEC");
    }

    /// <summary>
    /// Reads a page's replies and writes its records; returns how many were written, or null when the page was read
    /// without PTTL but the database held keys with an expiry at that instant (the caller reads it again with PTTL).
    /// </summary>
    private static async ValueTask<int?> ReadPageAsync(RespReader reader, ReadMode mode, PagePending page, int db, MemoryStream buffer, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var written = 0;
        if (mode == ReadMode.Pipelined)
        {
            foreach (var key in page.Keys)
            {
                var dump = await reader.ReadBulkAsync(ct);
                var ttl = await reader.ReadIntegerAsync(ct);
                // Gone between SCAN and DUMP (or between DUMP and PTTL): deleted or expired meanwhile, so not in the backup.
                if (dump is null || ttl == -2)
                    continue;
                RedisDumpFormat.WriteRecord(buffer, key, ttl >= 0 ? now + ttl : 0, dump);
                written++;
            }
            return written;
        }
        await reader.ReadStatusAsync(ct);
        var queued = page.Keys.Length * (page.WithTtl ? 2 : 1) + (page.WithTtl ? 0 : 1);
        for (var i = 0; i < queued; i++)
            await reader.ReadStatusAsync(ct);
        if (await reader.ReadArrayHeaderAsync(ct) != queued)
            throw new InvalidDataException("Redis's EXEC reply does not hold one reply per queued command.");
        if (!page.WithTtl)
        {
            var info = Encoding.ASCII.GetString(await reader.ReadBulkAsync(ct) ?? []);
            var volatileKeys = ExpiringKeys(info, db) > 0;
            var dumps = new byte[]?[page.Keys.Length];
            for (var i = 0; i < dumps.Length; i++)
                dumps[i] = await reader.ReadBulkAsync(ct);
            if (volatileKeys)
                return null;
            for (var i = 0; i < dumps.Length; i++)
            {
                // Gone between SCAN and EXEC: deleted or expired meanwhile, so not in the backup.
                if (dumps[i] is not { } dump)
                    continue;
                RedisDumpFormat.WriteRecord(buffer, page.Keys[i], 0, dump);
                written++;
            }
            return written;
        }
        var values = new byte[]?[page.Keys.Length];
        for (var i = 0; i < values.Length; i++)
            values[i] = await reader.ReadBulkAsync(ct);
        for (var i = 0; i < values.Length; i++)
        {
            var ttl = await reader.ReadIntegerAsync(ct);
            if (values[i] is not { } dump || ttl == -2)
                continue;
            RedisDumpFormat.WriteRecord(buffer, page.Keys[i], ttl >= 0 ? now + ttl : 0, dump);
            written++;
        }
        return written;
    }

    /// <summary>The <c>expires=</c> count of <c>db&lt;N&gt;:keys=…,expires=…</c> in INFO keyspace; 0 when the database is not listed (empty).</summary>
    internal static long ExpiringKeys(string keyspace, int db)
    {
        if (RespConnection.InfoField(keyspace, $"db{db}") is not { } counts)
            return 0;
        var expires = counts.Split(',').FirstOrDefault(f => f.StartsWith("expires=", StringComparison.Ordinal))
                      ?? throw new InvalidDataException($"Redis's INFO keyspace line 'db{db}:{counts}' has no expires count.");
        return long.Parse(expires.AsSpan("expires=".Length), CultureInfo.InvariantCulture);
    }
}
