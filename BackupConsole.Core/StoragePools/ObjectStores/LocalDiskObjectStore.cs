using System.Runtime.CompilerServices;

namespace BackupConsole.Core.StoragePools.ObjectStores;

/// <summary>
/// The embedded platform object store: one directory per bucket under the data directory, so a fresh install
/// works with no S3 at all. Uploads go to a temporary file and appear by an atomic rename on completion.
/// </summary>
public sealed partial class LocalDiskObjectStore(string rootDirectory, string bucket) : IObjectStore
{
    private const string UploadsFolder = ".uploads";

    private readonly string _bucketDirectory = Path.Combine(Path.GetFullPath(rootDirectory), bucket);

    public string Location => "file://" + _bucketDirectory;

    public Task EnsureBucketAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(_bucketDirectory, UploadsFolder));
        return Task.CompletedTask;
    }

    public Task<bool> BucketExistsAsync(CancellationToken ct) => Task.FromResult(Directory.Exists(_bucketDirectory));

    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        await using var upload = await StartUploadAsync(key, ct);
        await upload.WriteAsync(content, ct);
        await upload.CompleteAsync(ct);
    }

    /// <summary>
    /// Written beside its final name and renamed within that directory, in one unbuffered write: blobs are put by the
    /// hundred in parallel, and a rename out of the shared uploads folder takes the file system's rename lock and both
    /// directories' locks, which left a snapshot waiting on the kernel more than working.
    /// </summary>
    public Task PutDeferredAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (!Directory.Exists(_bucketDirectory))
            throw new ObjectStoreException($"Bucket directory {_bucketDirectory} does not exist.");
        var target = PathOf(key);
        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, UploadsFolder + "~" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write))
                RandomAccess.Write(handle, content.Span, 0);
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        return Task.CompletedTask;
    }


    [System.Runtime.InteropServices.LibraryImport("libc", SetLastError = true)]
    private static partial int syncfs(int fd);

    /// <summary>One syncfs of the pool's file system instead of an fsync per deferred object.</summary>
    public Task SyncAsync(CancellationToken ct)
    {
        if (!OperatingSystem.IsLinux())
            return Task.CompletedTask;
        using var handle = File.OpenHandle(Path.Combine(_bucketDirectory, UploadsFolder, ".sync"), FileMode.OpenOrCreate, FileAccess.Read);
        if (syncfs((int)handle.DangerousGetHandle()) != 0)
            throw new ObjectStoreException($"Syncing {_bucketDirectory} failed (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}).");
        return Task.CompletedTask;
    }

    public Task<ObjectUpload> StartUploadAsync(string key, CancellationToken ct) =>
        Task.FromResult<ObjectUpload>(new LocalUpload(key, TempPath(), PathOf(key), durable: true));

    private string TempPath()
    {
        if (!Directory.Exists(_bucketDirectory))
            throw new ObjectStoreException($"Bucket directory {_bucketDirectory} does not exist.");
        var temp = Path.Combine(_bucketDirectory, UploadsFolder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
        return temp;
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken ct)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
            throw new ObjectNotFoundException(Location, key);
        return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync: true));
    }

    public async Task<byte[]> ReadRangeAsync(string key, long offset, int length, CancellationToken ct)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
            throw new ObjectNotFoundException(Location, key);
        using var handle = OpenForRange(path, key);
        var content = new byte[length];
        var filled = 0;
        while (filled < length)
        {
            var read = await RandomAccess.ReadAsync(handle, content.AsMemory(filled), offset + filled, ct);
            if (read == 0)
                throw new InvalidDataException($"{key} in {Location} ends {length - filled} bytes before the range read from it.");
            filled += read;
        }
        return content;
    }

    private Microsoft.Win32.SafeHandles.SafeFileHandle OpenForRange(string path, string key)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // Deleted (by a prune) since the caller checked.
            throw new ObjectNotFoundException(Location, key);
        }
    }

    public Task<ObjectInfo?> StatAsync(string key, CancellationToken ct)
    {
        var file = new FileInfo(PathOf(key));
        return Task.FromResult(file.Exists ? new ObjectInfo(key, file.Length, file.LastWriteTimeUtc) : null);
    }

    /// <summary>
    /// Removes the temporary files of uploads that never completed (a killed console's) from every bucket under
    /// <paramref name="rootDirectory"/>. Only for the console's start, before any run: a local store has no other writer.
    /// </summary>
    /// <param name="olderThan">Only files untouched this long: where other console nodes share the directory, their
    /// uploads in progress are left alone.</param>
    public static int RemoveUnfinishedUploads(string rootDirectory, TimeSpan? olderThan = null)
    {
        if (!Directory.Exists(rootDirectory))
            return 0;
        var removed = 0;
        foreach (var path in Directory.EnumerateFiles(rootDirectory, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(path);
            var inUploads = Path.GetFileName(Path.GetDirectoryName(path)) == UploadsFolder && name != ".sync";
            if (!inUploads && !name.StartsWith(UploadsFolder + "~", StringComparison.Ordinal))
                continue;
            if (olderThan is { } age && File.GetLastWriteTimeUtc(path) > DateTime.UtcNow - age)
                continue;
            File.Delete(path);
            removed++;
        }
        return removed;
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        if (!Directory.Exists(_bucketDirectory))
            throw new ObjectNotFoundException(Location, prefix);
        // Start at the deepest directory the prefix names, then filter by the rest of it.
        var slash = prefix.LastIndexOf('/');
        var start = slash < 0 ? _bucketDirectory : Path.Combine(_bucketDirectory, prefix[..slash]);
        if (!Directory.Exists(start))
            yield break;
        foreach (var path in Directory.EnumerateFiles(start, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            ct.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(_bucketDirectory, path).Replace(Path.DirectorySeparatorChar, '/');
            if (Path.GetFileName(path).StartsWith(UploadsFolder, StringComparison.Ordinal) || key.StartsWith(UploadsFolder + "/", StringComparison.Ordinal)
                || !key.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            if (Describe(path, key) is { } info)
                yield return info;
        }
        await Task.CompletedTask;
    }

    /// <summary>
    /// Null when the file went between the directory read and now (a snapshot's running marker, a set being deleted):
    /// like an S3 listing, an object deleted during the listing may simply not be in it.
    /// </summary>
    private static ObjectInfo? Describe(string path, string key)
    {
        var file = new FileInfo(path);
        try
        {
            return new ObjectInfo(key, file.Length, file.LastWriteTimeUtc);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        var path = PathOf(key);
        // Like S3, deleting what is not there succeeds, even when its folder was never created.
        if (File.Exists(path))
            File.Delete(path);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string PathOf(string key) => Path.Combine(_bucketDirectory, ObjectKeys.Require(key).Replace('/', Path.DirectorySeparatorChar));

    private sealed class LocalUpload(string key, string tempPath, string targetPath, bool durable) : ObjectUpload(key)
    {
        private readonly FileStream _file = new(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: false);

        /// <summary>
        /// Written synchronously: a write into the page cache takes microseconds, while an asynchronous file write on
        /// Linux is a hop through the thread pool for every buffer, which cost a backup a third of its CPU.
        /// </summary>
        protected override ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            _file.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        protected override async Task CompleteCoreAsync(CancellationToken ct)
        {
            // Durable before visible: the rename must never expose a file whose bytes are still in the page cache only.
            // Deferred objects are trusted only once a manifest written after SyncAsync references them.
            await _file.FlushAsync(ct);
            if (durable)
                _file.Flush(flushToDisk: true);
            await _file.DisposeAsync();
            Directory.CreateDirectory(Path.GetDirectoryName(targetPath)!);
            File.Move(tempPath, targetPath, overwrite: true);
        }

        protected override async Task AbortCoreAsync()
        {
            try
            {
                // Closing writes out what is still buffered, which fails on a full disk (the likely reason for the
                // abort); the handle is closed all the same, and the file must go so the space comes back.
                await _file.DisposeAsync();
            }
            finally
            {
                File.Delete(tempPath);
            }
        }
    }
}
