using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using BackupConsole.Core.Data;
using BackupConsole.Core.Events;
using BackupConsole.Core.Executors;
using BackupConsole.Core.Executors.Files;
using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.Executors.Objects;
using BackupConsole.Core.Executors.Redis;
using BackupConsole.Core.Gateways;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Localization;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace BackupConsole.Core.Restores;

/// <summary>
/// Runs restore jobs in the background (R-PLAN-5): each has live counters the UI reads, can be cancelled, and ends
/// succeeded (with a summary saying how to check the result), failed (with the error) or cancelled. A target the
/// job created and left half-written (a directory, MySQL databases) is removed again; it was new or empty before.
/// </summary>
public sealed class RestoreRunner(
    TenantScopes scopes,
    EventLog events,
    IOptions<RestoreOptions> options,
    IStringLocalizer<CoreText> text,
    TimeProvider clock,
    Cluster.ConsoleNode node,
    ILogger<RestoreRunner> logger) : IAsyncDisposable
{
    /// <summary>The node new restore jobs are stamped with.</summary>
    public string NodeId => node.Id;

    private sealed record Live(TransferProgress Progress, CancellationTokenSource Cancel, Task Run);

    private readonly ConcurrentDictionary<string, Live> _live = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Starts the job whose row <see cref="RestoreService"/> has just saved.</summary>
    internal void Start(string tenantId, RestoreJob job, RestoreRequest request)
    {
        var progress = new TransferProgress();
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = RunAsync(tenantId, job, request, progress, cancel.Token, started.Task);
        _live[job.Id] = new Live(progress, cancel, run);
        started.SetResult();
    }

    /// <summary>The live counters of a running job on this node; null once it ended.</summary>
    public TransferProgress? ProgressOf(string jobId) => _live.TryGetValue(jobId, out var live) ? live.Progress : null;

    public bool Cancel(string jobId)
    {
        if (!_live.TryGetValue(jobId, out var live))
            return false;
        live.Cancel.Cancel();
        return true;
    }

    public Task WaitAsync(string jobId) => _live.TryGetValue(jobId, out var live) ? live.Run : Task.CompletedTask;

    private async Task RunAsync(string tenantId, RestoreJob job, RestoreRequest request, TransferProgress progress, CancellationToken ct, Task started)
    {
        await started;
        await Task.Yield();
        string? summary = null, error = null, createdInstance = null;
        var status = RestoreJobStatus.Failed;
        using var saver = new CancellationTokenSource();
        Task? saving = null;
        try
        {
            await using var scope = scopes.ForTenant(tenantId);
            var services = scope.ServiceProvider;
            saving = SaveProgressAsync(services, job.Id, progress, saver.Token);
            // A restore reads from the pool and writes the same bytes to its target: both sides of the chart show them.
            await using (job.PlanId is null ? null : services.GetRequiredService<Monitoring.MetricsSampler>().Track(tenantId, job.PlanId, job.Id, () => (progress.Bytes, progress.Bytes)))
                (summary, createdInstance) = await RestoreAsync(services, job, request, progress, ct);
            status = RestoreJobStatus.Succeeded;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            status = RestoreJobStatus.Cancelled;
            error = text["Restore.CancelledError"];
        }
        catch (Exception ex)
        {
            error = ex.Message;
            logger.LogWarning(ex, "Restore {JobId} of {BackupId} failed", job.Id, job.BackupId);
        }
        finally
        {
            await saver.CancelAsync();
            if (saving is not null)
                await saving;
            await FinishAsync(tenantId, job, progress, status, summary, error, createdInstance);
            if (_live.TryRemove(job.Id, out var live))
                live.Cancel.Dispose();
        }
    }

    private async Task SaveProgressAsync(IServiceProvider services, string jobId, TransferProgress progress, CancellationToken ct)
    {
        var dbs = services.GetRequiredService<IDbContextFactory<BackupDbContext>>();
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, options.Value.ProgressSaveSeconds)), clock, ct);
                await using var db = await dbs.CreateDbContextAsync(ct);
                await db.RestoreJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.BytesDone, progress.Bytes)
                    .SetProperty(j => j.BytesTotal, progress.TotalBytes)
                    .SetProperty(j => j.ItemsDone, progress.Items)
                    .SetProperty(j => j.ItemsTotal, progress.TotalItems)
                    .SetProperty(j => j.Message, Truncate(progress.Message, 1024)), ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The job ended; its final counters are written by FinishAsync.
        }
        catch (Exception ex)
        {
            // Progress rows are a convenience; the restore itself goes on and records its outcome.
            logger.LogWarning(ex, "Progress of restore {JobId} could not be saved", jobId);
        }
    }

    private async Task<(string Summary, string? CreatedInstance)> RestoreAsync(
        IServiceProvider services, RestoreJob job, RestoreRequest request, TransferProgress progress, CancellationToken ct)
    {
        await using var pool = await services.GetRequiredService<StoragePoolService>().OpenRepositoryAsync(job.PoolId, ct);
        var repository = pool.Repository;
        repository.ReadMeter = progress;
        var manifest = await repository.ReadManifestAsync(job.BackupId, ct) ?? throw new BackupNotFoundException(job.BackupId, repository.Store.Location);
        // What the restore reads: the set's objects (not the blob list, which only verification reads) and, for snapshots, the content of their blobs.
        progress.TotalBytes = manifest.Objects.Where(o => o.Name != BlobStore.ReferencesObject).Sum(o => o.RawSize)
            + (long.TryParse(manifest.Properties.GetValueOrDefault("bytes"), out var content) ? content : 0);
        var connections = services.GetRequiredService<InstanceConnections>();
        var dbs = services.GetRequiredService<IDbContextFactory<BackupDbContext>>();
        Instance? target = null;
        if (request.TargetInstanceId is { } targetId)
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            target = await db.Instances.AsNoTracking().SingleAsync(i => i.Id == targetId, ct);
        }
        var route = target is { External: true } ? await services.GetRequiredService<GatewayService>().GetRouteAsync(ct) : null;

        switch (job.Mode)
        {
            case RestoreMode.NewDatabase:
            {
                await using var relay = connections.RelayFor(target!, route);
                var endpoint = connections.MySql(target!, relay);
                var names = request.DatabaseNames ?? new Dictionary<string, string>();
                try
                {
                    await services.GetRequiredService<MySqlLogicalRestore>().RunAsync(repository, manifest, pool.Key, endpoint, names, progress, ct);
                }
                catch
                {
                    await DropCreatedDatabasesAsync(endpoint, names.Values);
                    throw;
                }
                return (text["Restore.Summary.NewDatabase", progress.Items, endpoint.Description, string.Join(", ", names.Values), endpoint.Host, endpoint.Port, endpoint.User, names.Values.First()], null);
            }
            case RestoreMode.NewServer or RestoreMode.DataDirectory:
            {
                var directory = request.Directory!;
                Directory.CreateDirectory(Path.GetDirectoryName(directory)!);
                try
                {
                    await services.GetRequiredService<MySqlDataDirectoryRestore>().RestoreAsync(repository, manifest, pool.Key, directory, progress, ct);
                }
                catch
                {
                    RemoveDirectory(directory);
                    throw;
                }
                if (job.Mode == RestoreMode.DataDirectory)
                    return (text["Restore.Summary.DataDirectory", directory], null);
                var port = FreePort();
                progress.Report($"mariadbd --datadir={directory} --port={port}");
                var pid = await MariaDbServerProcess.StartAsync(directory, port, ct);
                var instanceId = await RegisterServerAsync(dbs, job, request, port, ct);
                return (text["Restore.Summary.NewServer", port, pid, directory, request.NewInstanceName ?? ""], instanceId);
            }
            case RestoreMode.RedisDatabase:
            {
                await using var relay = connections.RelayFor(target!, route);
                var endpoint = connections.Redis(target!, relay) with { Database = request.RedisDatabase };
                var result = await services.GetRequiredService<RedisLogicalRestore>().RunAsync(repository, manifest, pool.Key, endpoint, overwrite: false, progress, ct);
                var into = request.RedisDatabase?.ToString() ?? manifest.Properties.GetValueOrDefault("databases", "0");
                return (text["Restore.Summary.Redis", result.Restored, endpoint.Description, into, result.Expired, target!.Host!, target.Port ?? 6379], null);
            }
            case RestoreMode.Bucket:
            {
                var instance = new Instance
                {
                    Id = target!.Id, Name = target.Name, Kind = target.Kind, Host = target.Host, UserName = target.UserName, ProtectedSecret = target.ProtectedSecret,
                    External = target.External, Bucket = request.Bucket, Prefix = request.Prefix, ProjectGroupId = target.ProjectGroupId, Region = target.Region,
                };
                using var bucket = connections.Bucket(instance, route);
                var result = await services.GetRequiredService<ObjectSnapshotRestore>().RunAsync(repository, manifest, pool.Key, bucket, overwrite: false, progress, ct);
                return (text["Restore.Summary.Bucket", result.Objects, Common.ByteSize.Format(result.Bytes), bucket.Description], null);
            }
            default:
            {
                var directory = request.Directory!;
                Directory.CreateDirectory(Path.GetDirectoryName(directory)!);
                try
                {
                    var result = await services.GetRequiredService<FileSnapshotRestore>().RunAsync(repository, manifest, pool.Key, directory, progress, ct);
                    return (text["Restore.Summary.Directory", result.Entries, Common.ByteSize.Format(result.Bytes), directory], null);
                }
                catch
                {
                    RemoveDirectory(directory);
                    throw;
                }
            }
        }
    }

    /// <summary>The databases were checked absent before the job started, so whatever exists under their names now is this job's.</summary>
    private async Task DropCreatedDatabasesAsync(MySqlEndpoint endpoint, IEnumerable<string> names)
    {
        try
        {
            await using var connection = new MySqlConnection(endpoint.ConnectionString());
            await connection.OpenAsync(CancellationToken.None);
            foreach (var name in names)
            {
                await using var drop = new MySqlCommand("DROP DATABASE IF EXISTS " + MySqlNames.Quote(name), connection);
                await drop.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Databases {Names} of a stopped restore could not be dropped on {Server}", string.Join(", ", names), endpoint.Description);
        }
    }

    private void RemoveDirectory(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Directory {Directory} of a stopped restore could not be removed", directory);
        }
    }

    /// <summary>The new server is a copy of the backed-up one, with its accounts: it is registered with the source instance's credentials.</summary>
    private static async Task<string?> RegisterServerAsync(IDbContextFactory<BackupDbContext> dbs, RestoreJob job, RestoreRequest request, int port, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var source = job.PlanId is null ? null : await (
            from plan in db.Plans
            join instance in db.Instances on plan.InstanceId equals instance.Id
            where plan.Id == job.PlanId
            select instance).AsNoTracking().SingleOrDefaultAsync(ct);
        if (source is null)
            return null;
        var created = new Instance
        {
            Id = ResourceIds.New(ResourceIds.Instance), Name = request.NewInstanceName!, Kind = InstanceKind.MySql, Region = source.Region,
            ProjectGroupId = source.ProjectGroupId, Host = "127.0.0.1", Port = port, UserName = source.UserName, ProtectedSecret = source.ProtectedSecret,
            DataDirectory = request.Directory, Remark = job.BackupId,
        };
        db.Instances.Add(created);
        await db.SaveChangesAsync(ct);
        return created.Id;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task FinishAsync(
        string tenantId, RestoreJob job, TransferProgress progress, RestoreJobStatus status, string? summary, string? error, string? createdInstance)
    {
        // Recorded even when the console is stopping: a job must never stay "running" after it ended.
        try
        {
            await using var scope = scopes.ForTenant(tenantId);
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<BackupDbContext>>().CreateDbContextAsync(CancellationToken.None);
            var row = await db.RestoreJobs.SingleAsync(j => j.Id == job.Id);
            row.Status = status;
            row.FinishedAt = clock.GetUtcNow();
            row.BytesDone = progress.Bytes;
            // Done is done: the estimate made at the start gives way to what was read.
            row.BytesTotal = status == RestoreJobStatus.Succeeded ? progress.Bytes : progress.TotalBytes;
            row.ItemsDone = progress.Items;
            row.ItemsTotal = progress.TotalItems;
            row.Message = Truncate(progress.Message, 1024);
            row.Summary = Truncate(summary, 4096);
            row.Error = Truncate(error, 4096);
            row.CreatedInstanceId = createdInstance;
            var type = status switch
            {
                RestoreJobStatus.Succeeded => "RestoreSucceeded",
                RestoreJobStatus.Cancelled => "RestoreCancelled",
                _ => "RestoreFailed",
            };
            await events.RecordAsync(db, job.PlanId ?? job.PoolId, type, status == RestoreJobStatus.Failed ? EventLevel.Warning : EventLevel.Info,
                $"{job.BackupId} → {job.Target}{(error is null ? "" : ": " + error)}", CancellationToken.None);
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "The outcome of restore {JobId} ({Status}) could not be recorded", job.Id, status);
        }
    }

    /// <summary>Jobs a stopped console left "running" are failed at start: their work is gone.</summary>
    /// <summary>
    /// Fails restores whose node is gone: at start every one this console does not run (a single console, or this
    /// node's own before a restart); in a cluster also those of nodes that stopped checking in (<paramref name="live"/>).
    /// What such a restore had written stays for the user to remove; the error says the node stopped.
    /// </summary>
    public async Task<int> FailInterruptedAsync(IReadOnlySet<string>? live, CancellationToken ct)
    {
        await using var scope = scopes.ForSystem();
        await using var db = scope.ServiceProvider.GetRequiredService<TenantDbFactory>().ForSystem();
        var running = await db.RestoreJobs.Where(j => j.Status == RestoreJobStatus.Running).ToListAsync(ct);
        var stale = running.Where(j => !_live.ContainsKey(j.Id) && (j.Node == node.Id || Cluster.ClusterMembership.IsLeft(j.Node, live))).ToList();
        foreach (var job in stale)
        {
            job.Status = RestoreJobStatus.Failed;
            job.FinishedAt = clock.GetUtcNow();
            job.Error = text["Restore.Interrupted"];
            await events.RecordAsync(db, job.PlanId ?? job.PoolId, "RestoreFailed", EventLevel.Warning, $"{job.BackupId} → {job.Target}: {job.Error}", ct, job.TenantId);
        }
        await db.SaveChangesAsync(ct);
        return stale.Count;
    }

    private static string? Truncate(string? value, int length) => value is { Length: var n } && n > length ? value[..length] : value;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        await _stopping.CancelAsync();
        await Task.WhenAll(_live.Values.Select(l => l.Run));
    }

    private int _disposed;
}
