using System.Globalization;
using BackupConsole.Core.StoragePools.Repository;
using Microsoft.Extensions.Logging;

namespace BackupConsole.Core.Executors.MySql;

/// <summary>
/// Physical and incremental backups (R-SCOPE-1): <c>mariabackup --backup --stream=mbstream</c> (xtrabackup for MySQL 8)
/// streamed straight into the pool, compressed by the repository. An incremental takes only the pages changed since
/// its parent's end LSN (<c>--incremental-lsn</c>), so its parent need not be on this host. Needs the server's data
/// directory on this host. Restores are <see cref="MySqlDataDirectoryRestore"/>'s.
/// </summary>
public sealed class MariaBackupPhysical(ILogger<MariaBackupPhysical> logger)
{
    public const string StreamObject = "physical.mbstream";

    /// <param name="parent">For an incremental: the physical or incremental set it builds on; null for a full backup.</param>
    public async Task<IReadOnlyDictionary<string, string>> BackupAsync(
        MySqlEndpoint source, TableSelection selection, BackupManifest? parent, BackupSetWriter set, IProgress<string>? progress, CancellationToken ct)
    {
        if (source.DataDirectory is null || !Directory.Exists(source.DataDirectory))
            throw new MySqlBackupException(
                $"A physical backup reads the server's files: give its data directory on this host (mysql://…?datadir=/path); '{source.DataDirectory}' is not there.");
        PhysicalTool tool;
        await using (var connection = await MySqlLogicalBackup.OpenAsync(source, ct))
            tool = await PhysicalTool.ForServerAsync(connection, ct);
        ulong? parentLsn = parent is null ? null : CheckParent(source, selection, parent, tool);

        var work = Directory.CreateTempSubdirectory("bc-mariabackup-");
        try
        {
            var options = await WriteClientOptionsAsync(work.FullName, source.Password, ct);
            var lsnDirectory = Directory.CreateDirectory(Path.Combine(work.FullName, "lsn")).FullName;
            var arguments = new List<string>
            {
                $"--defaults-extra-file={options}", "--backup", $"--stream={tool.Extract}", $"--target-dir={work.FullName}",
                $"--extra-lsndir={lsnDirectory}", $"--datadir={source.DataDirectory}", $"--host={source.Host}", $"--port={source.Port}",
                $"--user={source.User}",
            };
            if (parentLsn is { } lsn)
                arguments.Add($"--incremental-lsn={lsn.ToString(CultureInfo.InvariantCulture)}");
            if (!selection.IsEverything)
            {
                var names = selection.Databases.SelectMany(d => selection.NamedTables.Any(t => t.Database == d)
                    ? selection.NamedTables.Where(t => t.Database == d).Select(t => $"{d}.{t.Table}")
                    : [d]);
                arguments.Add("--databases=" + string.Join(" ", names));
            }

            progress?.Report($"{tool.Backup} --backup --stream" + (parentLsn is null ? "" : $" --incremental-lsn={parentLsn}"));
            await using var process = ToolProcess.Start(tool.Backup, arguments);
            await using (var writer = await set.OpenObjectAsync(StreamObject, ct))
            {
                await process.StandardOutput.CopyToAsync(writer, 1 << 20, ct);
                await process.WaitForSuccessAsync($"{tool.Backup} --backup", ct);
                await writer.CompleteAsync(ct);
            }
            var checkpoints = LsnCheckpoints.Parse(await File.ReadAllTextAsync(Path.Combine(lsnDirectory, LsnCheckpoints.FileName), ct));
            logger.LogInformation("{Type} backup of {Source} streamed: LSN {From}..{To}",
                parent is null ? "Physical" : "Incremental", source.Description, checkpoints.FromLsn, checkpoints.ToLsn);
            return new Dictionary<string, string>
            {
                ["tool"] = tool.Backup,
                ["server"] = source.Description,
                ["datadir"] = source.DataDirectory,
                ["selection"] = selection.ToString(),
                [LsnCheckpoints.FromProperty] = checkpoints.FromLsn.ToString(CultureInfo.InvariantCulture),
                [LsnCheckpoints.ToProperty] = checkpoints.ToLsn.ToString(CultureInfo.InvariantCulture),
            };
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>An incremental is only restorable on top of a parent of the same server, selection and tool.</summary>
    private static ulong CheckParent(MySqlEndpoint source, TableSelection selection, BackupManifest parent, PhysicalTool tool)
    {
        if (parent.BackupType is not ("physical" or "incremental"))
            throw new MySqlBackupException(
                $"An incremental backup builds on a physical or incremental backup; {parent.BackupId} is {parent.BackupType}.");
        var toLsn = LsnCheckpoints.ToLsnOf(parent.Properties)
                    ?? throw new MySqlBackupException($"Backup {parent.BackupId} records no LSN, so nothing can build on it; take a new physical backup.");
        string Of(string name) => parent.Properties.GetValueOrDefault(name, "");
        if (Of("server") != source.Description || Of("datadir") != source.DataDirectory)
            throw new MySqlBackupException(
                $"Backup {parent.BackupId} is of {Of("server")} ({Of("datadir")}), not of {source.Description} ({source.DataDirectory}); an incremental must build on a backup of the same server.");
        if (Of("selection") != selection.ToString())
            throw new MySqlBackupException(
                $"Backup {parent.BackupId} took '{Of("selection")}', this backup asks for '{selection}'; an incremental takes what its base took.");
        if (PhysicalTool.Named(Of("tool")) != tool)
            throw new MySqlBackupException($"Backup {parent.BackupId} was taken with {Of("tool")}, this server needs {tool.Backup}.");
        return toLsn;
    }

    /// <summary>The password goes in a 0600 options file, never on a command line that ps would show.</summary>
    internal static async Task<string> WriteClientOptionsAsync(string directory, string password, CancellationToken ct)
    {
        var path = Path.Combine(directory, "client.cnf");
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using var file = new StreamWriter(path, fileOptions);
        await file.WriteAsync($"[client]\npassword=\"{password.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"\n".AsMemory(), ct);
        return path;
    }
}
