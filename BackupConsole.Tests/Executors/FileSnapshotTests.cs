using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BackupConsole.Core.Executors.Files;
using BackupConsole.Core.StoragePools.ObjectStores;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Tests.Cli;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupConsole.Tests.Executors;

/// <summary>
/// File-storage snapshots (R-SCOPE-1, R-PLAN-5) on the real file system: a tree with unicode and non-UTF-8 names,
/// symlinks, hard links, empty directories, modes, owners and a 100 MB file comes back exactly; unchanged data is not
/// uploaded again; a snapshot that names paths outside its target is refused.
/// </summary>
public sealed class FileSnapshotTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bc-files-" + Guid.NewGuid().ToString("N")[..8]);
    private string Source => Path.Combine(_root, "source");
    private BackupRepository _repository = default!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var store = new LocalDiskObjectStore(_root, "pool");
        await store.EnsureBucketAsync(Ct);
        _repository = new BackupRepository(store, new RepositoryOptions(), TimeProvider.System);
        Directory.CreateDirectory(Source);
    }

    public async ValueTask DisposeAsync()
    {
        // rm, not Directory.Delete: System.IO cannot reach the test's file whose name is not UTF-8.
        using var remove = System.Diagnostics.Process.Start("rm", ["-rf", _root]);
        await remove.WaitForExitAsync();
    }

    private static FileSnapshotRunner Runner() => new(new FileSnapshotBackup(NullLogger<FileSnapshotBackup>.Instance), TimeProvider.System);

    private static FileSnapshotRestore Restore() => new(NullLogger<FileSnapshotRestore>.Instance);

    private static byte[] B(string path) => Encoding.UTF8.GetBytes(path);

    private void BuildTree()
    {
        var rng = new Random(5);
        var big = new byte[100 * 1024 * 1024];
        rng.NextBytes(big);
        File.WriteAllBytes(Path.Combine(Source, "big.bin"), big);
        Directory.CreateDirectory(Path.Combine(Source, "文档", "空目录"));
        File.WriteAllText(Path.Combine(Source, "文档", "说明 with spaces.txt"), "你好, backups");
        File.WriteAllText(Path.Combine(Source, "secret.txt"), "only me");
        Posix.ChangeMode(B(Path.Combine(Source, "secret.txt")), 0x180);
        File.WriteAllText(Path.Combine(Source, "run.sh"), "#!/bin/sh\necho hi\n");
        Posix.ChangeMode(B(Path.Combine(Source, "run.sh")), 0x1ED);
        File.CreateSymbolicLink(Path.Combine(Source, "文档", "link-to-run"), "../run.sh");
        File.CreateSymbolicLink(Path.Combine(Source, "dangling"), "/nonexistent/target");
        Posix.HardLink(B(Path.Combine(Source, "run.sh")), B(Path.Combine(Source, "文档", "hard-run.sh")));
        // A name that is not UTF-8 at all.
        using (Posix.CreateNew(Posix.Join(B(Source), [(byte)'r', 0xFF, 0xFE, (byte)'w']), 0x1A4))
        {
        }
        File.SetLastWriteTimeUtc(Path.Combine(Source, "secret.txt"), new DateTime(2020, 2, 29, 12, 34, 56, DateTimeKind.Utc).AddTicks(1234567));
        if (Environment.UserName == "root")
            Posix.ChangeOwner(B(Path.Combine(Source, "secret.txt")), 4321, 8765);
    }

    /// <summary>Every entry under a directory, by bytes: type, mode, owner, mtime, size, content hash or link text, inode sharing.</summary>
    private static SortedDictionary<string, string> Describe(string directory)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var inodes = new Dictionary<ulong, string>();
        void Visit(byte[] absolute, string relative)
        {
            foreach (var name in Posix.ReadDirectory(absolute))
            {
                var path = Posix.Join(absolute, name);
                var shown = relative + "/" + Convert.ToHexString(name);
                var stat = Posix.LStat(path)!.Value;
                var detail = $"{stat.Kind} mode={stat.Permissions:x} owner={stat.Uid}:{stat.Gid}";
                if (stat.Kind != Posix.Kind.Directory)
                    detail += $" mtime={stat.MtimeSeconds}.{stat.MtimeNanoseconds}";
                if (stat.Kind == Posix.Kind.Regular)
                {
                    using var file = Posix.OpenRead(path);
                    detail += $" size={stat.Size} sha={Convert.ToHexString(SHA256.HashData(file))}";
                    if (stat.Links > 1)
                        detail += inodes.TryGetValue(stat.Inode, out var first) ? $" same-as={first}" : "";
                    inodes.TryAdd(stat.Inode, shown);
                }
                if (stat.Kind == Posix.Kind.Symlink)
                    detail += " -> " + Convert.ToHexString(Posix.ReadLink(path));
                result[shown] = detail;
                if (stat.Kind == Posix.Kind.Directory)
                    Visit(path, shown);
            }
        }
        Visit(B(directory), "");
        return result;
    }

    [Fact]
    public async Task A_tree_with_every_kind_of_entry_comes_back_exactly_and_special_files_are_skipped_with_a_warning()
    {
        BuildTree();
        var fifo = Path.Combine(Source, "pipe");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
            await mkfifo.WaitForExitAsync(Ct);
        var progress = new BackupConsole.Tests.Support.CollectingProgress();

        var manifest = await Runner().RunAsync(_repository, Source, "snapshot", null, null, progress, Ct);
        File.Delete(fifo);
        var target = Path.Combine(_root, "restored");
        await Restore().RunAsync(_repository, manifest, null, target, null, Ct);

        Assert.Equal(Describe(Source), Describe(target));
        Assert.Contains(progress.Lines, l => l.StartsWith("warning: skipped pipe"));
        Assert.Equal("pipe", manifest.Properties["skipped"]);
        await _repository.VerifyAsync(manifest.BackupId, null, Ct);
    }

    [Fact]
    public async Task A_second_snapshot_after_changing_one_percent_uploads_about_that_much_and_reads_no_unchanged_file()
    {
        BuildTree();
        var first = await Runner().RunAsync(_repository, Source, "snapshot", null, null, null, Ct);
        // Change 1 MB in the middle of the 100 MB file.
        await using (var big = new FileStream(Path.Combine(Source, "big.bin"), FileMode.Open, FileAccess.Write))
        {
            big.Position = 50 * 1024 * 1024;
            big.Write(RandomNumberGenerator.GetBytes(1024 * 1024));
        }

        var second = await Runner().RunAsync(_repository, Source, "snapshot", null, null, null, Ct);

        var uploaded = long.Parse(second.Properties["uploadedBytes"]);
        Assert.InRange(uploaded, 1024 * 1024, 6 * 1024 * 1024);
        Assert.Equal("1", second.Properties["filesRead"]);
        Assert.True(long.Parse(first.Properties["uploadedBytes"]) > 100L * 1024 * 1024);
        var restored = Path.Combine(_root, "second");
        await Restore().RunAsync(_repository, second, null, restored, null, Ct);
        Assert.Equal(Describe(Source), Describe(restored));
    }

    [Fact]
    public async Task An_encrypted_snapshot_restores_with_its_key_alone_and_not_without_it()
    {
        File.WriteAllBytes(Path.Combine(Source, "data.bin"), RandomNumberGenerator.GetBytes(3 * 1024 * 1024));
        var key = new EncryptionKey("operator:test", RandomNumberGenerator.GetBytes(32));
        var encrypted = new BackupRepository(_repository.Store, new RepositoryOptions { Encryption = key }, TimeProvider.System);
        var manifest = await Runner().RunAsync(encrypted, Source, "snapshot", null, null, null, Ct);

        // A console that knows only the key, as after losing its database.
        await Restore().RunAsync(_repository, manifest, key, Path.Combine(_root, "with-key"), null, Ct);
        await _repository.VerifyAsync(manifest.BackupId, key, Ct);
        await Assert.ThrowsAnyAsync<Exception>(() => Restore().RunAsync(_repository, manifest, null, Path.Combine(_root, "without-key"), null, Ct));

        Assert.Equal(Describe(Source), Describe(Path.Combine(_root, "with-key")));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(_root, "pool", "packs"), "*", SearchOption.AllDirectories));
        Assert.All(Directory.EnumerateFiles(Path.Combine(_root, "pool", "packs"), "*", SearchOption.AllDirectories), f => Assert.EndsWith(".zst.enc", f));
    }

    [Fact]
    public async Task A_file_deleted_between_the_walk_and_its_read_is_left_out_with_a_warning_and_its_hard_links_with_it()
    {
        File.WriteAllText(Path.Combine(Source, "kept.txt"), "kept");
        File.WriteAllText(Path.Combine(Source, "gone.txt"), "gone");
        Posix.HardLink(B(Path.Combine(Source, "gone.txt")), B(Path.Combine(Source, "gone-link.txt")));
        var backup = new FileSnapshotBackup(NullLogger<FileSnapshotBackup>.Instance)
        {
            AfterWalk = () =>
            {
                File.Delete(Path.Combine(Source, "gone.txt"));
                File.Delete(Path.Combine(Source, "gone-link.txt"));
                return Task.CompletedTask;
            },
        };
        var progress = new BackupConsole.Tests.Support.CollectingProgress();

        var manifest = await new FileSnapshotRunner(backup, TimeProvider.System).RunAsync(_repository, Source, "snapshot", null, null, progress, Ct);
        var target = Path.Combine(_root, "without-gone");
        await Restore().RunAsync(_repository, manifest, null, target, null, Ct);

        // Bytewise, gone-link.txt comes first: it is the file read, gone.txt the hard link that goes with it.
        Assert.Contains("gone-link.txt", manifest.Properties["skipped"]);
        Assert.Contains(progress.Lines, l => l.StartsWith("warning: skipped") && l.Contains("gone-link.txt"));
        Assert.Equal(["kept.txt"], Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Pruning_after_a_deletion_removes_only_blobs_no_remaining_snapshot_needs()
    {
        // Each file below the smallest chunk size is exactly one blob, wherever random content would put a cut point.
        File.WriteAllBytes(Path.Combine(Source, "shared.bin"), RandomNumberGenerator.GetBytes(250_000));
        File.WriteAllBytes(Path.Combine(Source, "only-in-first.bin"), RandomNumberGenerator.GetBytes(200_000));
        var first = await Runner().RunAsync(_repository, Source, "snapshot", null, null, null, Ct);
        File.Delete(Path.Combine(Source, "only-in-first.bin"));
        File.WriteAllBytes(Path.Combine(Source, "only-in-second.bin"), RandomNumberGenerator.GetBytes(150_000));
        var second = await Runner().RunAsync(_repository, Source, "snapshot", null, null, null, Ct);
        await _repository.DeleteSetAsync(first.BackupId, Ct);

        var young = await BlobPruner.PruneAsync(_repository, [], TimeSpan.FromHours(1), TimeProvider.System, Ct);
        var pruned = await BlobPruner.PruneAsync(_repository, [], TimeSpan.Zero, TimeProvider.System, Ct);
        var again = await BlobPruner.PruneAsync(_repository, [], TimeSpan.Zero, TimeProvider.System, Ct);

        Assert.Equal((0, 1), (young.Deleted, young.KeptYoung));
        // The first snapshot's pack held both files; the shared one is moved into a pack of its own.
        Assert.Equal((1, 1), (pruned.Deleted, pruned.PacksRewritten));
        Assert.InRange(pruned.DeletedBytes, 200_000, 201_000);
        Assert.Equal((0, 0, 0), (again.Deleted, again.PacksRewritten, again.PacksDeleted));
        await _repository.VerifyAsync(second.BackupId, null, Ct);
        await Restore().RunAsync(_repository, second, null, Path.Combine(_root, "after-prune"), null, Ct);
        Assert.Equal(Describe(Source), Describe(Path.Combine(_root, "after-prune")));
    }

    [Theory]
    [InlineData("../outside.txt", "file")]
    [InlineData("/etc/evil", "file")]
    [InlineData("ok/../../outside.txt", "file")]
    [InlineData("hard", "hardlink")]
    public async Task A_snapshot_naming_paths_outside_its_target_is_refused_before_anything_is_written(string path, string type)
    {
        File.WriteAllText(Path.Combine(Source, "a.txt"), "a");
        var honest = await Runner().RunAsync(_repository, Source, "snapshot", null, null, null, Ct);
        var entries = (await ReadEntriesAsync(honest)).ToList();
        var hostile = new FileEntry
        {
            Path = Convert.ToBase64String(Encoding.UTF8.GetBytes(path)), Type = type, Mode = 0x1A4, Chunks = type == "file" ? entries[0].Chunks : null,
            Size = entries[0].Size, Target = type == "hardlink" ? Convert.ToBase64String("../../etc/passwd"u8.ToArray()) : null,
        };
        var forged = await ForgeAsync(honest, [.. entries, hostile]);
        var target = Path.Combine(_root, "forged-target");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Restore().RunAsync(_repository, forged, null, target, null, Ct));

        Assert.Contains("refused", error.Message);
        Assert.False(Directory.Exists(target));
        Assert.False(File.Exists(Path.Combine(_root, "outside.txt")));
    }

    private async Task<List<FileEntry>> ReadEntriesAsync(BackupManifest manifest)
    {
        await using var stream = await _repository.OpenObjectAsync(manifest, "files.jsonl", null, Ct);
        using var reader = new StreamReader(stream);
        var entries = new List<FileEntry>();
        while (await reader.ReadLineAsync(Ct) is { Length: > 0 } line)
            entries.Add(JsonSerializer.Deserialize<FileEntry>(line, JsonSerializerOptions.Web)!);
        return entries;
    }

    /// <summary>A committed set whose files.jsonl says what the test wants: what a damaged or hostile pool could hold.</summary>
    private async Task<BackupManifest> ForgeAsync(BackupManifest template, IReadOnlyList<FileEntry> entries)
    {
        await using var set = _repository.CreateSet(new BackupSetHeader("dbsbak-forged" + Random.Shared.Next(10, 99), template.Source, "snapshot", DateTimeOffset.UtcNow));
        await using (var writer = await set.OpenObjectAsync("files.jsonl", Ct))
        {
            foreach (var entry in entries)
                await writer.WriteAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, JsonSerializerOptions.Web) + "\n"), Ct);
            await writer.CompleteAsync(Ct);
        }
        return await set.CommitAsync(template.Properties, Ct);
    }

    [Fact]
    public async Task The_command_line_snapshots_verifies_and_restores_a_directory_and_verify_names_a_damaged_chunk()
    {
        File.WriteAllText(Path.Combine(Source, "one.txt"), new string('x', 100_000));
        var pool = Path.Combine(_root, "clipool");

        var backup = await CommandLineRun.RunAsync("backup", "--source", "file://" + Source, "--type", "snapshot", "--pool", "file://" + pool);
        Assert.True(backup.Code == 0, backup.Err);
        var id = backup.Out.Trim().Split('\n').Last();
        var restore = await CommandLineRun.RunAsync("restore", "--pool", "file://" + pool, "--backup", id, "--target", "file://" + Path.Combine(_root, "cli-restored"));
        Assert.True(restore.Code == 0, restore.Err);
        Assert.Equal(new string('x', 100_000), File.ReadAllText(Path.Combine(_root, "cli-restored", "one.txt")));

        var pack = Directory.EnumerateFiles(Path.Combine(pool, "packs"), "*", SearchOption.AllDirectories).Single();
        var bytes = File.ReadAllBytes(pack);
        bytes[^5] ^= 0x40;
        File.WriteAllBytes(pack, bytes);
        var verify = await CommandLineRun.RunAsync("verify", "--pool", "file://" + pool, "--backup", id);

        Assert.Equal(4, verify.Code);
        Assert.Contains(Path.GetFileName(pack).Split('.')[0], verify.Err);
    }
}
