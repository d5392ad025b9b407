using BackupConsole.Core.StoragePools.Repository;
using Microsoft.Extensions.Logging;

namespace BackupConsole.Core.Executors.MySql;

/// <summary>
/// Physical MariaDB backup (R-SCOPE-1): <c>mariabackup --backup --stream=mbstream</c> streamed straight into the pool
/// (compressed by the repository), and its restore: extract with <c>mbstream</c>, <c>--prepare</c>, leaving a data
/// directory ready to start. Needs the server's data directory on this host.
/// </summary>
public sealed class MariaBackupPhysical(ILogger<MariaBackupPhysical> logger)
{
    public const string StreamObject = "physical.mbstream";

    public async Task<IReadOnlyDictionary<string, string>> BackupAsync(
        MySqlEndpoint source, TableSelection selection, BackupSetWriter set, IProgress<string>? progress, CancellationToken ct)
    {
        if (source.DataDirectory is null || !Directory.Exists(source.DataDirectory))
            throw new MySqlBackupException(
                $"A physical backup reads the server's files: give its data directory on this host (mysql://…?datadir=/path); '{source.DataDirectory}' is not there.");
        var work = Directory.CreateTempSubdirectory("bc-mariabackup-");
        try
        {
            // The password goes in a 0600 options file, never on a command line that ps would show.
            var options = Path.Combine(work.FullName, "client.cnf");
            var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            await using (var file = new StreamWriter(options, fileOptions))
                await file.WriteAsync($"[client]\npassword=\"{source.Password.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"\n".AsMemory(), ct);
            var arguments = new List<string>
            {
                $"--defaults-extra-file={options}", "--backup", "--stream=mbstream", $"--target-dir={work.FullName}",
                $"--datadir={source.DataDirectory}", $"--host={source.Host}", $"--port={source.Port}", $"--user={source.User}",
            };
            if (!selection.IsEverything)
            {
                var names = selection.Databases.SelectMany(d => selection.NamedTables.Any(t => t.Database == d)
                    ? selection.NamedTables.Where(t => t.Database == d).Select(t => $"{d}.{t.Table}")
                    : [d]);
                arguments.Add("--databases=" + string.Join(" ", names));
            }

            progress?.Report("mariabackup --backup --stream=mbstream");
            await using var tool = ToolProcess.Start("mariabackup", arguments);
            await using (var writer = await set.OpenObjectAsync(StreamObject, ct))
            {
                await tool.StandardOutput.CopyToAsync(writer, 1 << 20, ct);
                await tool.WaitForSuccessAsync("mariabackup --backup", ct);
                await writer.CompleteAsync(ct);
            }
            logger.LogInformation("Physical backup of {Source} streamed", source.Description);
            return new Dictionary<string, string> { ["tool"] = "mariabackup", ["datadir"] = source.DataDirectory };
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>Extracts and prepares the backup into <paramref name="targetDirectory"/> (which must be empty or absent).</summary>
    public async Task RestoreAsync(
        BackupRepository repository, BackupManifest manifest, EncryptionKey? key, string targetDirectory, IProgress<string>? progress, CancellationToken ct)
    {
        if (manifest.BackupType != "physical")
            throw new MySqlBackupException($"Backup {manifest.BackupId} is a {manifest.BackupType} backup, not a physical one.");
        if (Directory.Exists(targetDirectory) && Directory.EnumerateFileSystemEntries(targetDirectory).Any())
            throw new MySqlBackupException($"{targetDirectory} is not empty; restore a physical backup into a new directory.");
        Directory.CreateDirectory(targetDirectory);

        progress?.Report($"mbstream -x into {targetDirectory}");
        await using (var extract = ToolProcess.Start("mbstream", ["-x", "-C", targetDirectory], redirectInput: true))
        {
            await using (var data = await repository.OpenObjectAsync(manifest, StreamObject, key, ct))
                await data.CopyToAsync(extract.StandardInput, 1 << 20, ct);
            extract.StandardInput.Close();
            await extract.WaitForSuccessAsync("mbstream -x", ct);
        }

        progress?.Report("mariabackup --prepare");
        await using (var prepare = ToolProcess.Start("mariabackup", ["--prepare", $"--target-dir={targetDirectory}"]))
            await prepare.WaitForSuccessAsync("mariabackup --prepare", ct);
        logger.LogInformation("Physical backup {BackupId} prepared in {Directory}", manifest.BackupId, targetDirectory);
    }
}
