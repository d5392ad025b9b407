using System.Globalization;
using BackupConsole.Core.StoragePools.Repository;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace BackupConsole.Core.Executors.Redis;

/// <summary>
/// Logical Redis backup (R-SCOPE-1): SCAN with a large COUNT, and for every page of keys DUMP and PTTL, in one script
/// call per page (or pipelined, where scripts are refused); records stream into one object per logical database.
/// Consistency: SCAN returns every key that exists for the whole scan at least once, each value is read atomically
/// by DUMP, but the set as a whole is not one instant — keys written during the backup may or may not be in it, and
/// two keys changed together may be taken at different moments (docs/redis.md).
/// </summary>
public sealed class RedisLogicalBackup(ILogger<RedisLogicalBackup> logger)
{
    public const int PageSize = 1000;

    /// <summary>Pages whose DUMPs may be in flight at once: enough to keep the server busy, bounded in memory.</summary>
    private const int PagesInFlight = 16;

    public async Task<IReadOnlyDictionary<string, string>> RunAsync(
        RedisEndpoint source, BackupSetWriter set, IProgress<string>? progress, CancellationToken ct)
    {
        await using var connection = await source.ConnectAsync(ct);
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var databases = source.Database is { } only ? [only] : await KeyspaceDatabasesAsync(server);
        var properties = new Dictionary<string, string>
        {
            ["redisVersion"] = server.Version.ToString(),
            ["databases"] = string.Join(",", databases),
        };
        long total = 0;
        foreach (var db in databases)
        {
            progress?.Report($"db {db}: scanning");
            long keys;
            try
            {
                keys = await DumpDatabaseAsync(connection.GetDatabase(db), server, db, set, progress, ct);
            }
            catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException && !ct.IsCancellationRequested)
            {
                // Said plainly for the run's error: the driver's own text names commands, not what happened.
                throw new BackupException(
                    $"The connection to Redis {source.Description} was lost while reading database {db} ({ex.Message}): the server restarted or closed it. Nothing of this run is kept; run it again.", ex);
            }
            properties[$"keys.{db}"] = keys.ToString(CultureInfo.InvariantCulture);
            total += keys;
        }
        logger.LogInformation("Redis backup of {Source}: {Keys} keys in {Databases} database(s)", source.Description, total, databases.Length);
        return properties;
    }

    /// <summary>The logical databases that hold keys, from INFO keyspace (db0:keys=…).</summary>
    private static async Task<int[]> KeyspaceDatabasesAsync(IServer server)
    {
        var info = await server.InfoAsync("keyspace");
        return info.SelectMany(g => g)
            .Where(p => p.Key.StartsWith("db", StringComparison.Ordinal) && int.TryParse(p.Key.AsSpan(2), CultureInfo.InvariantCulture, out _))
            .Select(p => int.Parse(p.Key.AsSpan(2), CultureInfo.InvariantCulture))
            .Order()
            .ToArray();
    }

    /// <summary>
    /// One page per script call: SCAN from the cursor given, then DUMP (and PTTL) of every key it returned, in one
    /// atomic call. The server parses one small command per thousand keys instead of taking SCAN's reply back as a
    /// thousand arguments, and a key's value and expiry are read at the same instant. When the database holds no key
    /// with an expiry at that instant (INFO keyspace, inside the same call) no key of the page can have one, so PTTL
    /// is skipped: it cost the server a third of its time on a database without expiries. The page comes back as
    /// one MessagePack string (<c>cmsgpack</c>, built into Redis's Lua): a thousand-element reply cost more to encode
    /// and to parse than the keys cost to dump.
    /// Reply: { next cursor, packed [ volatile (0/1), key1, dump1, [pttl1,] key2, … ] }; a key gone meanwhile has
    /// <c>false</c> for its dump (Lua's value for a nil reply).
    /// </summary>
    private const string ScanPageScript = """
        local page = redis.call('SCAN', ARGV[1], 'COUNT', ARGV[2])
        local expires = string.match(redis.call('INFO', 'keyspace'), 'db' .. ARGV[3] .. ':keys=%d+,expires=(%d+)')
        local volatile = expires ~= nil and tonumber(expires) > 0
        local out = { volatile and 1 or 0 }
        local n = 1
        for _, key in ipairs(page[2]) do
          out[n + 1] = key
          out[n + 2] = redis.call('DUMP', key)
          n = n + 2
          if volatile then
            n = n + 1
            out[n] = redis.call('PTTL', key)
          end
        end
        return { page[1], cmsgpack.pack(out) }
        """;

    /// <summary>
    /// A page read: the cursor to continue from (0 at the end), and its keys either packed by the script or as
    /// entries from the pipelined fallback (PTTL: -1 none, -2 gone).
    /// </summary>
    private sealed record Page(RedisValue Cursor, byte[]? Packed, (RedisKey Key, byte[]? Dump, long Ttl)[]? Entries);

    private static async Task<Page> ScriptedPageAsync(IDatabase database, int db, RedisValue cursor)
    {
        var reply = (RedisResult[])(await database.ScriptEvaluateAsync(ScanPageScript, values: [cursor, PageSize, db]))!;
        return new Page((RedisValue)reply[0], (byte[])reply[1]!, null);
    }

    /// <summary>
    /// For servers that refuse scripts (an ACL without +eval, scripting disabled): SCAN by the multiplexer, and
    /// DUMP and PTTL pipelined for each page while the next page is scanned.
    /// </summary>
    private static async IAsyncEnumerable<Page> PipelinedPagesAsync(
        IDatabase database, IServer server, int db, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var pending = new Queue<Task<Page>>();
        var keys = new List<RedisKey>(PageSize);
        await foreach (var key in server.KeysAsync(db, pageSize: PageSize).WithCancellation(ct))
        {
            keys.Add(key);
            if (keys.Count < PageSize)
                continue;
            pending.Enqueue(PipelinedPageAsync(database, keys.ToArray()));
            keys.Clear();
            if (pending.Count >= PagesInFlight)
                yield return await pending.Dequeue();
        }
        if (keys.Count > 0)
            pending.Enqueue(PipelinedPageAsync(database, keys.ToArray()));
        while (pending.Count > 0)
            yield return await pending.Dequeue();
    }

    private static async Task<Page> PipelinedPageAsync(IDatabase database, RedisKey[] keys)
    {
        // Issued back to back without awaiting: the multiplexer pipelines them on the one connection.
        var dumps = keys.Select(k => database.KeyDumpAsync(k)).ToArray();
        var ttls = keys.Select(k => database.KeyTimeToLiveAsync(k)).ToArray();
        await Task.WhenAll(dumps);
        await Task.WhenAll(ttls);
        return new Page(0, null, keys.Select((k, i) => (k, dumps[i].Result, ttls[i].Result is { } ttl ? (long)ttl.TotalMilliseconds : -1L)).ToArray());
    }

    /// <summary>Every page of the database: by the page script, each call issued before the caller works on the previous page.</summary>
    private async IAsyncEnumerable<Page> PagesAsync(
        IDatabase database, IServer server, int db, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        Page? current;
        try
        {
            current = await ScriptedPageAsync(database, db, 0);
        }
        catch (RedisServerException ex)
        {
            logger.LogInformation("Redis refuses the page script ({Reason}); reading keys with SCAN and pipelined DUMP and PTTL instead", ex.Message);
            current = null;
        }
        if (current is null)
        {
            await foreach (var page in PipelinedPagesAsync(database, server, db, ct))
                yield return page;
            yield break;
        }
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var next = current.Cursor == 0 ? null : ScriptedPageAsync(database, db, current.Cursor);
            yield return current;
            if (next is null)
                yield break;
            current = await next;
        }
    }

    /// <summary>Writes a page's records to <paramref name="buffer"/>; returns how many keys were written and how many the page held.</summary>
    private static (int Written, int Keys) WritePage(Page page, Stream buffer)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        int written = 0, keys = 0;
        if (page.Entries is { } entries)
        {
            foreach (var (key, dump, ttl) in entries)
            {
                // Gone between SCAN and DUMP: deleted or expired meanwhile, so not in the backup.
                if (dump is null || ttl == -2)
                    continue;
                RedisDumpFormat.WriteRecord(buffer, (byte[])key!, ttl >= 0 ? now + ttl : 0, dump);
                written++;
            }
            return (written, entries.Length);
        }
        var reader = new MessagePackReader(page.Packed);
        var count = reader.ReadArrayHeader() - 1;
        var volatileKeys = reader.ReadInteger() == 1;
        if (count % (volatileKeys ? 3 : 2) != 0)
            throw new InvalidDataException($"Redis's page reply holds {count} values, not whole keys.");
        for (; count > 0; count -= volatileKeys ? 3 : 2, keys++)
        {
            var key = reader.ReadBytes();
            var present = reader.TryReadBytes(out var dump);
            var ttl = volatileKeys ? reader.ReadInteger() : -1;
            if (!present || ttl == -2)
                continue;
            RedisDumpFormat.WriteRecord(buffer, key, ttl >= 0 ? now + ttl : 0, dump);
            written++;
        }
        return (written, keys);
    }

    private async Task<long> DumpDatabaseAsync(
        IDatabase database, IServer server, int db, BackupSetWriter set, IProgress<string>? progress, CancellationToken ct)
    {
        await using var writer = await set.OpenObjectAsync(RedisDumpFormat.ObjectName(db), ct);
        var buffer = new MemoryStream(1 << 20);
        buffer.Write(RedisDumpFormat.Header);
        long written = 0;
        await foreach (var page in PagesAsync(database, server, db, ct))
        {
            var (added, keys) = WritePage(page, buffer);
            written += added;
            if (buffer.Length >= 1 << 20)
            {
                await writer.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
                buffer.SetLength(0);
            }
            if (written % 100_000 < keys)
                progress?.Report($"db {db}: {written} keys");
        }

        RedisDumpFormat.WriteEnd(buffer, written);
        await writer.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
        await writer.CompleteAsync(ct);
        progress?.Report($"db {db}: {written} keys");
        return written;
    }
}
