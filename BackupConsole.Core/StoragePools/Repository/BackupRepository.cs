using System.Runtime.CompilerServices;
using System.Text.Json;
using BackupConsole.Core.StoragePools.ObjectStores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ZstdSharp;

namespace BackupConsole.Core.StoragePools.Repository;

/// <summary>
/// The backup repository format (docs/repository-format.md) over one object store: sets under
/// <c>backups/&lt;id&gt;/</c>, data objects under <c>data/</c>, <c>manifest.json</c> written last.
/// </summary>
public sealed class BackupRepository(IObjectStore store, RepositoryOptions options, TimeProvider clock, ILogger? logger = null)
{
    public const string SetsPrefix = "backups/";

    public IObjectStore Store => store;

    /// <summary>How this repository writes new sets (codecs, key).</summary>
    public RepositoryOptions Options => options;

    /// <summary>Counts the original bytes read back out of this repository (restores and verification show it as progress).</summary>
    public Executors.TransferProgress? ReadMeter { get; set; }

    /// <summary>Counts what backups write through this repository: original bytes in, stored bytes out to the pool (monitoring, R-MON-1).</summary>
    public Monitoring.ByteMeter? WriteMeter { get; set; }

    public static string PrefixOf(string backupId) => $"{SetsPrefix}{ObjectKeys.Require(backupId)}/";

    public static string ManifestKey(string backupId) => PrefixOf(backupId) + "manifest.json";

    internal static string DataKey(string backupId, string name, RepositoryOptions options) =>
        PrefixOf(backupId) + "data/" + name + (options.Compress ? ".zst" : "") + (options.Encryption is null ? "" : ".enc");

    public BackupSetWriter CreateSet(BackupSetHeader header) => new(this, header, options, clock, logger ?? NullLogger.Instance);

    /// <summary>Null when the set has no manifest: it was never committed, so it is not a backup.</summary>
    public async Task<BackupManifest?> ReadManifestAsync(string backupId, CancellationToken ct)
    {
        try
        {
            await using var stream = await store.OpenReadAsync(ManifestKey(backupId), ct);
            var manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(stream, BackupManifest.Json, ct);
            if (manifest is { FormatVersion: > BackupManifest.CurrentFormatVersion })
                throw new NotSupportedException(
                    $"Backup {backupId} uses repository format {manifest.FormatVersion}; this console reads up to {BackupManifest.CurrentFormatVersion}.");
            return manifest;
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Every committed set in the pool, found by its manifest alone .</summary>
    public async IAsyncEnumerable<BackupManifest> ListSetsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var info in store.ListAsync(SetsPrefix, ct))
        {
            var parts = info.Key.Split('/');
            if (parts is not [_, var backupId, "manifest.json"])
                continue;
            if (await ReadManifestAsync(backupId, ct) is { } manifest)
                yield return manifest;
        }
    }

    /// <summary>The most recently finished committed set that <paramref name="match"/> accepts, or null.</summary>
    public async Task<BackupManifest?> NewestAsync(Func<BackupManifest, bool> match, CancellationToken ct)
    {
        BackupManifest? newest = null;
        await foreach (var manifest in ListSetsAsync(ct))
        {
            if (match(manifest) && (newest is null || manifest.FinishedAt > newest.FinishedAt))
                newest = manifest;
        }
        return newest;
    }

    /// <summary>Streams one object's original bytes, verifying both checksums as it goes.</summary>
    public async Task<Stream> OpenObjectAsync(BackupManifest manifest, string name, EncryptionKey? key, CancellationToken ct)
    {
        var entry = manifest.Objects.SingleOrDefault(o => o.Name == name)
                    ?? throw new ArgumentException($"Backup {manifest.BackupId} has no object '{name}'.", nameof(name));
        return await OpenAsync(manifest, entry, key, ct);
    }

    private async Task<Stream> OpenAsync(BackupManifest manifest, ManifestObject entry, EncryptionKey? key, CancellationToken ct)
    {
        var stored = new HashingStream(await store.OpenReadAsync(entry.Key, ct), forWriting: false);
        Stream next = stored;
        if (manifest.Encryption is { } encryption)
        {
            if (key is null)
                throw new InvalidOperationException($"Backup {manifest.BackupId} is encrypted with key '{encryption.KeyId}'; supply that key.");
            if (key.Fingerprint != encryption.KeyFingerprint)
                throw new InvalidOperationException(
                    $"Backup {manifest.BackupId} was encrypted with key '{encryption.KeyId}' (fingerprint {encryption.KeyFingerprint}), not with {key}.");
            next = ChunkedAesGcm.Decrypt(new NonClosing(stored), key.Key);
        }
        if (manifest.Compression == "zstd")
            next = new DecompressionStream(next, leaveOpen: false);
        var raw = new HashingStream(next, forWriting: false);
        var verifying = new VerifyingReadStream(manifest.BackupId, entry, stored, raw);
        return ReadMeter is { } meter ? new MeteredStream(verifying, meter) : verifying;
    }

    /// <summary>Re-reads every object of the set and checks every checksum; throws on the first damaged object.</summary>
    public async Task<VerifyResult> VerifyAsync(string backupId, EncryptionKey? key, CancellationToken ct)
    {
        var manifest = await ReadManifestAsync(backupId, ct) ?? throw new BackupNotFoundException(backupId, store.Location);
        long bytes = 0;
        var buffer = new byte[256 * 1024];
        foreach (var entry in manifest.Objects)
        {
            await using var stream = await OpenAsync(manifest, entry, key, ct);
            int read;
            while ((read = await stream.ReadAsync(buffer, ct)) > 0)
                bytes += read;
        }
        // Snapshots built of shared blobs: every blob they reference must be there and match its id.
        if (manifest.Objects.Any(o => o.Name == BlobStore.ReferencesObject))
        {
            await using var blobs = new BlobStore(this);
            var suffix = manifest.Properties.GetValueOrDefault("blobSuffix", "");
            await using var list = await OpenObjectAsync(manifest, BlobStore.ReferencesObject, key, ct);
            using var reader = new StreamReader(list);
            while (await reader.ReadLineAsync(ct) is { Length: > 0 } id)
                bytes += (await blobs.ReadAsync(backupId, id, suffix, key, ct)).Length;
        }
        return new VerifyResult(backupId, manifest.Objects.Count, bytes);
    }

    /// <summary>Removes the manifest first (so the set stops being a backup at once), then every object under its prefix.</summary>
    public async Task DeleteSetAsync(string backupId, CancellationToken ct)
    {
        await store.DeleteAsync(ManifestKey(backupId), ct);
        var keys = new List<string>();
        await foreach (var info in store.ListAsync(PrefixOf(backupId), ct))
            keys.Add(info.Key);
        foreach (var key in keys)
            await store.DeleteAsync(key, ct);
    }

    private sealed class MeteredStream(Stream inner, Executors.TransferProgress meter) : ReadOnlyStream
    {
        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken));

        private int Counted(int read)
        {
            meter.AddBytes(read);
            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }
    }

    /// <summary>Hides disposal from the decrypting stream so the stored hash can still drain the object afterwards.</summary>
    private sealed class NonClosing(Stream inner) : ReadOnlyStream
    {
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);
    }
}

/// <summary>The outcome of a successful verification.</summary>
public sealed record VerifyResult(string BackupId, int ObjectCount, long RawBytes);
