using System.Reflection;
using System.Text.Json;
using BackupConsole.Core.StoragePools.ObjectStores;
using Microsoft.Extensions.Logging;

namespace BackupConsole.Core.StoragePools.Repository;

/// <summary>
/// Writes one backup set: data objects first, <c>manifest.json</c> last. Until <see cref="CommitAsync"/> the set
/// does not exist for any reader; disposing an uncommitted writer deletes what it uploaded.
/// </summary>
public sealed class BackupSetWriter : IAsyncDisposable
{
    private readonly BackupRepository _repository;
    private readonly IObjectStore _store;
    private readonly BackupSetHeader _header;
    private readonly RepositoryOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly List<ManifestObject> _objects = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private bool _committed;
    private bool _marked;

    /// <summary>Object beside the manifest while a snapshot that shares blobs runs: see <see cref="MarkRunningAsync"/>.</summary>
    public const string RunningMarker = "running";

    internal BackupSetWriter(BackupRepository repository, BackupSetHeader header, RepositoryOptions options, TimeProvider clock, ILogger logger)
    {
        _repository = repository;
        _store = repository.Store;
        _logger = logger;
        _header = header;
        _options = options;
        _clock = clock;
    }

    public string BackupId => _header.BackupId;

    public IReadOnlyList<ManifestObject> Objects => _objects;

    /// <param name="name">Relative, '/'-separated, unique in the set (e.g. <c>db1/table1.sql</c>).</param>
    public async Task<BackupObjectWriter> OpenObjectAsync(string name, CancellationToken ct)
    {
        if (_committed)
            throw new InvalidOperationException("The backup set is already committed.");
        ObjectKeys.Require(name);
        lock (_names)
        {
            if (!_names.Add(name))
                throw new ArgumentException($"The set already has an object named '{name}'.", nameof(name));
        }
        var key = BackupRepository.DataKey(_header.BackupId, name, _options);
        var upload = await _store.StartUploadAsync(key, ct);
        return new BackupObjectWriter(name, key, upload, _options, Record, _repository.WriteMeter);
    }

    private void Record(ManifestObject o)
    {
        lock (_objects)
            _objects.Add(o);
    }

    /// <summary>
    /// Tells pruning that a snapshot is running in this pool: it reuses blobs that only other sets reference, so no
    /// blob may be deleted until its own manifest references them too. Written before the snapshot learns which blobs
    /// exist; removed once the manifest is written (or with the set, when the run fails).
    /// </summary>
    public async Task MarkRunningAsync(CancellationToken ct)
    {
        await _store.PutAsync(BackupRepository.PrefixOf(_header.BackupId) + RunningMarker, "running"u8.ToArray(), ct);
        _marked = true;
    }

    /// <summary>Writes the manifest, which makes the set a backup. Nothing may be added afterwards.</summary>
    public async Task<BackupManifest> CommitAsync(IReadOnlyDictionary<string, string>? properties, CancellationToken ct)
    {
        var manifest = new BackupManifest
        {
            BackupId = _header.BackupId,
            PlanId = _header.PlanId,
            Source = _header.Source,
            BackupType = _header.BackupType,
            ParentBackupId = _header.ParentBackupId,
            Tool = new ManifestTool("BackupConsole", ToolVersion),
            StartedAt = _header.StartedAt,
            FinishedAt = _clock.GetUtcNow(),
            Compression = _options.Compress ? "zstd" : "none",
            Encryption = _options.Encryption is { } key
                ? new ManifestEncryption("AES-256-GCM", key.KeyId, key.Fingerprint, ChunkedAesGcm.DefaultChunkSize)
                : null,
            Objects = _objects.OrderBy(o => o.Name, StringComparer.Ordinal).ToList(),
            Properties = properties ?? new Dictionary<string, string>(),
        };
        // Everything the manifest refers to must be durable before the manifest makes it a backup.
        await _store.SyncAsync(ct);
        await _store.PutAsync(BackupRepository.ManifestKey(_header.BackupId), JsonSerializer.SerializeToUtf8Bytes(manifest, BackupManifest.Json), ct);
        _committed = true;
        if (_marked)
        {
            try
            {
                await _store.DeleteAsync(BackupRepository.PrefixOf(_header.BackupId) + RunningMarker, ct);
            }
            catch (Exception ex) when (ex is ObjectStoreException or IOException or HttpRequestException or Amazon.Runtime.AmazonClientException)
            {
                // The backup is committed; a marker beside a manifest no longer holds pruning back.
                _logger.LogWarning(ex, "Backup {BackupId} is committed but its running marker stays in {Location}", _header.BackupId, _store.Location);
            }
        }
        return manifest;
    }

    public async ValueTask DisposeAsync()
    {
        if (_committed)
            return;
        // Not committed: remove the orphans now rather than leave them for a cleanup pass.
        _committed = true;
        try
        {
            await _repository.DeleteSetAsync(_header.BackupId, CancellationToken.None);
        }
        catch (Exception ex) when (ex is ObjectStoreException or IOException or HttpRequestException or Amazon.Runtime.AmazonClientException)
        {
            // The store that failed the backup often fails its clean-up too. Throwing here would hide the backup's own
            // error; the leftovers have no manifest, so no reader ever takes them for a backup.
            _logger.LogWarning(ex, "Backup {BackupId} failed and its partial objects could not be removed from {Location}",
                _header.BackupId, _store.Location);
        }
    }

    private static string ToolVersion =>
        typeof(BackupSetWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
}
