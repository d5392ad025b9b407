using System.Diagnostics;
using System.Globalization;
using BackupConsole.Core.StoragePools.Repository;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace BackupConsole.Core.Executors.MySql;

/// <summary>
/// Snapshot backup (R-SCOPE-1): a point-in-time copy of a MariaDB data directory. Under <c>BACKUP STAGE BLOCK_COMMIT</c>
/// no transaction commits and no non-transactional table changes; InnoDB is then flushed until it has no dirty page,
/// the files are captured (reflinks where the file system can), and the capture counts only if InnoDB's LSN did not
/// move while it ran: then no page changed and the copy is exactly the state of one instant, which starts without
/// any recovery. The lock is released before the upload.
/// </summary>
public sealed class MySqlSnapshotBackup(IOptions<MySqlSnapshotOptions> options, ILogger<MySqlSnapshotBackup> logger)
{
    public const string ArchiveObject = "snapshot.tar";

    private static readonly string[] SystemDirectories = ["mysql", "performance_schema", "sys"];

    public async Task<IReadOnlyDictionary<string, string>> BackupAsync(
        MySqlEndpoint source, TableSelection selection, BackupSetWriter set, IProgress<string>? progress, CancellationToken ct)
    {
        if (source.DataDirectory is null || !Directory.Exists(source.DataDirectory))
            throw new MySqlBackupException(
                $"A snapshot copies the server's files: give its data directory on this host (mysql://…?datadir=/path); '{source.DataDirectory}' is not there.");
        if (selection.NamedTables.Any())
            throw new MySqlBackupException("A snapshot copies whole databases; select databases only, or take a logical backup of single tables.");

        await using var connection = await MySqlLogicalBackup.OpenAsync(source, ct);
        var version = await connection.ScalarAsync("SELECT VERSION()", ct);
        if (!version.Contains("MariaDB", StringComparison.OrdinalIgnoreCase))
            throw new MySqlBackupException($"Snapshot backups need MariaDB (BACKUP STAGE); {source.Description} runs MySQL {version}: take a physical backup.");
        var serverDirectory = Path.TrimEndingDirectorySeparator(await connection.ScalarAsync("SELECT @@datadir", ct));
        if (Path.GetFullPath(serverDirectory) != Path.GetFullPath(source.DataDirectory))
            throw new MySqlBackupException($"{source.Description} keeps its data in {serverDirectory}, not in {source.DataDirectory}.");
        var databases = await DatabasesAsync(connection, selection, ct);
        var skip = await RuntimeFilesAsync(connection, ct);

        var staging = CreateStaging(source.DataDirectory, progress);
        try
        {
            progress?.Report("BACKUP STAGE BLOCK_COMMIT");
            var capture = await CaptureUnderLockAsync(connection, source.DataDirectory, databases, skip, staging, progress, ct);
            progress?.Report($"captured {capture.Files} files ({capture.Bytes} bytes, {capture.Reflinked} as reflinks) with commits blocked for {capture.LockedFor.TotalMilliseconds:0} ms");

            await using (var writer = await set.OpenObjectAsync(ArchiveObject, ct))
            {
                await SnapshotArchive.WriteAsync(staging, writer, ct);
                await writer.CompleteAsync(ct);
            }
            logger.LogInformation("Snapshot of {Source}: {Files} files, commits blocked for {Milliseconds} ms",
                source.Description, capture.Files, (long)capture.LockedFor.TotalMilliseconds);
            var properties = new Dictionary<string, string>(capture.Position)
            {
                ["tool"] = "snapshot",
                ["server"] = source.Description,
                ["datadir"] = source.DataDirectory,
                ["selection"] = selection.ToString(),
                ["databases"] = string.Join(",", databases),
                ["lsn"] = capture.Lsn.ToString(CultureInfo.InvariantCulture),
                ["lockMilliseconds"] = ((long)capture.LockedFor.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                ["reflinkedFiles"] = capture.Reflinked.ToString(CultureInfo.InvariantCulture),
            };
            return properties;
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private sealed record Capture(int Files, long Bytes, int Reflinked, ulong Lsn, TimeSpan LockedFor, Dictionary<string, string> Position);

    private async Task<Capture> CaptureUnderLockAsync(
        MySqlConnection connection, string dataDirectory, IReadOnlyList<string> databases, HashSet<string> skip, string staging,
        IProgress<string>? progress, CancellationToken ct)
    {
        var settings = options.Value;
        var oldDirtyPct = await connection.ScalarAsync("SELECT @@GLOBAL.innodb_max_dirty_pages_pct", ct);
        // Flush InnoDB's dirty pages before commits are blocked, so under the lock only the last few are left to write.
        await connection.ExecuteAsync("SET GLOBAL innodb_max_dirty_pages_pct = 0", ct);
        try
        {
            progress?.Report("flushing InnoDB before the lock");
            await WaitForFlushAsync(connection, TimeSpan.FromSeconds(settings.FlushTimeoutSeconds), ct);
            // Most of the copy happens before commits are blocked; under the lock only what changed since is copied again.
            var copy = new StagedCopy(dataDirectory, databases, skip, staging);
            progress?.Report($"copied {copy.Pass(ct)} files before the lock");
            var locked = Stopwatch.StartNew();
            await connection.ExecuteAsync("BACKUP STAGE START; BACKUP STAGE FLUSH; BACKUP STAGE BLOCK_DDL; BACKUP STAGE BLOCK_COMMIT", ct);
            try
            {
                var position = await PositionAsync(connection, ct);
                for (var attempt = 1; attempt <= settings.CaptureAttempts; attempt++)
                {
                    // With commits blocked only background work and uncommitted transactions still write.
                    var before = await WaitForCleanAsync(connection, TimeSpan.FromSeconds(settings.FlushTimeoutSeconds), ct);
                    var copied = copy.Pass(ct);
                    var after = await InnoDbStateAsync(connection, ct);
                    if (after == before)
                    {
                        progress?.Report($"copied {copied} changed files under the lock");
                        return new Capture(copy.Files, copy.Bytes, copy.Reflinked, before.Lsn, locked.Elapsed, position);
                    }
                    progress?.Report($"InnoDB wrote during capture {attempt} (LSN {before.Lsn} → {after.Lsn}); capturing again");
                }
                throw new MySqlBackupException(
                    $"InnoDB kept writing during {settings.CaptureAttempts} captures (an uncommitted transaction still changing rows?); " +
                    "the snapshot was abandoned. Try again when it has ended, or take a physical backup.");
            }
            finally
            {
                // Whatever failed above, commits must flow again.
                await using var end = new MySqlCommand("BACKUP STAGE END", connection);
                await end.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        finally
        {
            var restore = decimal.Parse(oldDirtyPct, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
            await using var reset = new MySqlCommand($"SET GLOBAL innodb_max_dirty_pages_pct = {restore}", connection);
            await reset.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>Waits until InnoDB has written out nearly every dirty page (or stops making progress for a while).</summary>
    private static async Task WaitForFlushAsync(MySqlConnection connection, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        var stalled = Stopwatch.StartNew();
        var least = long.MaxValue;
        while (deadline.Elapsed < timeout && stalled.Elapsed < TimeSpan.FromSeconds(2))
        {
            var dirty = (await InnoDbStateAsync(connection, ct)).DirtyPages;
            if (dirty <= 64)
                return;
            if (dirty < least)
            {
                least = dirty;
                stalled.Restart();
            }
            await Task.Delay(100, ct);
        }
    }

    private readonly record struct InnoDbState(ulong Lsn, ulong Checkpoint, long DirtyPages);

    private static async Task<InnoDbState> InnoDbStateAsync(MySqlConnection connection, CancellationToken ct)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        await using var command = new MySqlCommand(
            "SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_lsn_current', 'Innodb_lsn_last_checkpoint', 'Innodb_buffer_pool_pages_dirty')", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            values[reader.GetString(0)] = reader.GetString(1);
        return new InnoDbState(
            ulong.Parse(values["Innodb_lsn_current"], CultureInfo.InvariantCulture),
            ulong.Parse(values["Innodb_lsn_last_checkpoint"], CultureInfo.InvariantCulture),
            long.Parse(values["Innodb_buffer_pool_pages_dirty"], CultureInfo.InvariantCulture));
    }

    /// <summary>Waits until no page is dirty and the LSN and checkpoint hold still: the files on disk are then complete.</summary>
    private static async Task<InnoDbState> WaitForCleanAsync(MySqlConnection connection, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        var previous = await InnoDbStateAsync(connection, ct);
        while (true)
        {
            await Task.Delay(100, ct);
            var current = await InnoDbStateAsync(connection, ct);
            if (current == previous && current.DirtyPages == 0)
                return current;
            if (deadline.Elapsed > timeout)
                throw new MySqlBackupException(
                    $"InnoDB did not finish flushing within {timeout.TotalSeconds:0} s ({current.DirtyPages} dirty pages); the snapshot was abandoned.");
            previous = current;
        }
    }

    /// <summary>
    /// The staged copy of the data directory: each file with the size and mtime its source had just before it was
    /// copied. A pass copies only files that differ from that, so the pass under the lock re-copies only what changed
    /// since the unlocked pass before it.
    /// </summary>
    private sealed class StagedCopy(string dataDirectory, IReadOnlyList<string> databases, HashSet<string> skip, string staging)
    {
        /// <summary>
        /// File times come from a coarse clock: a write in the same tick as the one seen leaves the mtime unchanged. A copy
        /// is trusted only if its source had not been modified for this long when it was looked at (git's "racy" rule).
        /// </summary>
        private static readonly TimeSpan Settled = TimeSpan.FromSeconds(2);

        private readonly Dictionary<string, (long Size, DateTime Modified, bool Trusted)> _files = new(StringComparer.Ordinal);

        public int Files => _files.Count;

        public long Bytes => _files.Values.Sum(f => f.Size);

        public int Reflinked { get; private set; }

        /// <returns>The files copied by this pass.</returns>
        public int Pass(CancellationToken ct)
        {
            var present = new HashSet<string>(StringComparer.Ordinal);
            var copied = 0;
            void Visit(string from, string relative, bool top)
            {
                Directory.CreateDirectory(Path.Combine(staging, relative));
                foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
                {
                    ct.ThrowIfCancellationRequested();
                    if (entry.LinkTarget is not null || skip.Contains(entry.FullName) || IsRuntimeFile(entry.Name))
                        continue;
                    var path = Path.Combine(relative, entry.Name);
                    if (entry is DirectoryInfo directory)
                    {
                        if (!top || databases.Contains(directory.Name) || SystemDirectories.Contains(directory.Name))
                            Visit(directory.FullName, path, top: false);
                        continue;
                    }
                    // Stat before copying: a write during the copy moves the mtime on, and the next pass copies again.
                    var now = DateTime.UtcNow;
                    entry.Refresh();
                    var size = ((FileInfo)entry).Length;
                    var modified = entry.LastWriteTimeUtc;
                    present.Add(path);
                    if (_files.TryGetValue(path, out var staged) && staged.Trusted && staged.Size == size && staged.Modified == modified)
                        continue;
                    var seen = (size, modified, modified < now - Settled);
                    var target = Path.Combine(staging, path);
                    File.Delete(target);
                    if (FileClone.Copy(entry.FullName, target))
                        Reflinked++;
                    _files[path] = seen;
                    copied++;
                }
            }
            Visit(dataDirectory, "", top: true);
            foreach (var gone in _files.Keys.Where(k => !present.Contains(k)).ToList())
            {
                File.Delete(Path.Combine(staging, gone));
                _files.Remove(gone);
            }
            return copied;
        }
    }

    /// <summary>Files of the running server, not of its data: temporary tablespace, pid, socket, error log, temp tables.</summary>
    private static bool IsRuntimeFile(string name) =>
        name.StartsWith("ibtmp", StringComparison.Ordinal) || name.StartsWith("#sql", StringComparison.Ordinal)
        || name.EndsWith(".pid", StringComparison.Ordinal) || name.EndsWith(".sock", StringComparison.Ordinal)
        || name.EndsWith(".err", StringComparison.Ordinal) || name == "mysql.sock";

    /// <summary>The binary and relay logs live beside the data but are not part of it; a restored server starts without them.</summary>
    private static async Task<HashSet<string>> RuntimeFilesAsync(MySqlConnection connection, CancellationToken ct)
    {
        var prefixes = new List<string>();
        foreach (var variable in new[] { "log_bin_basename", "relay_log_basename" })
        {
            var value = await connection.ScalarAsync($"SELECT IFNULL(@@GLOBAL.{variable}, '')", ct);
            if (value.Length > 0)
                prefixes.Add(value);
        }
        var skip = new HashSet<string>(StringComparer.Ordinal);
        foreach (var prefix in prefixes)
        {
            var directory = Path.GetDirectoryName(prefix);
            if (directory is null || !Directory.Exists(directory))
                continue;
            foreach (var file in Directory.EnumerateFiles(directory, Path.GetFileName(prefix) + ".*"))
                skip.Add(Path.GetFullPath(file));
        }
        return skip;
    }

    private static async Task<List<string>> DatabasesAsync(MySqlConnection connection, TableSelection selection, CancellationToken ct)
    {
        var all = new List<string>();
        await using (var command = new MySqlCommand("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME", connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                all.Add(reader.GetString(0));
        }
        var missing = selection.Databases.Where(d => !all.Contains(d)).ToList();
        if (missing.Count > 0)
            throw new MySqlBackupException($"Unknown database(s) in the selection: {string.Join(", ", missing)}.");
        // MariaDB names a database's directory after the database, with characters outside [A-Za-z0-9_] encoded.
        var unsupported = all.Where(selection.IncludesDatabase).Where(d => d.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '_'))).ToList();
        if (!selection.IsEverything && unsupported.Count > 0)
            throw new MySqlBackupException(
                $"A partial snapshot selects databases by directory; {string.Join(", ", unsupported)} need name encoding: snapshot the whole server instead.");
        return all.Where(selection.IncludesDatabase).ToList();
    }

    private static async Task<Dictionary<string, string>> PositionAsync(MySqlConnection connection, CancellationToken ct)
    {
        var position = new Dictionary<string, string>();
        await using (var command = new MySqlCommand("SHOW MASTER STATUS", connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                position["binlogFile"] = reader.GetString(0);
                position["binlogPosition"] = reader.GetValue(1).ToString()!;
            }
        }
        position["gtid"] = await connection.ScalarAsync("SELECT @@GLOBAL.gtid_binlog_pos", ct);
        return position;
    }

    private string CreateStaging(string dataDirectory, IProgress<string>? progress)
    {
        var configured = options.Value.StagingDirectory;
        if (configured.Length > 0)
            return CreateOwnerOnly(configured);
        try
        {
            return CreateOwnerOnly(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDirectory)))!);
        }
        catch (UnauthorizedAccessException)
        {
            // A console that may not write beside the data directory still works, with a full copy in the temp directory.
            progress?.Report($"cannot write beside {dataDirectory}; staging the copy under {Path.GetTempPath()} (no reflinks, a longer lock)");
            return CreateOwnerOnly(Path.GetTempPath());
        }
    }

    private static string CreateOwnerOnly(string parent)
    {
        Directory.CreateDirectory(parent);
        var path = Path.Combine(parent, ".backupconsole-snapshot-" + Guid.NewGuid().ToString("N")[..12]);
        // Owner-only from the start: the copy holds every row of the server.
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(path);
        else
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
