using System.Text.Json;
using System.Text.RegularExpressions;
using BackupConsole.Core.Common;
using BackupConsole.Core.Data;
using BackupConsole.Core.Events;
using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.Gateways;
using BackupConsole.Core.Instances;
using BackupConsole.Core.Localization;
using BackupConsole.Core.Plans;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.StoragePools.ObjectStores;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace BackupConsole.Core.Restores;

/// <summary>
/// "Create instance from backup data" for the signed-in tenant (R-PLAN-5, R-PLAN-6): describes what a backup can be
/// restored into, checks a request (the target must be new or empty: nothing is ever overwritten), records the job
/// and hands it to <see cref="RestoreRunner"/>; lists, reads and cancels jobs.
/// </summary>
public sealed partial class RestoreService(
    IDbContextFactory<BackupDbContext> dbFactory,
    StoragePoolService pools,
    GatewayService gateways,
    InstanceConnections connections,
    RestoreRunner runner,
    EventLog events,
    IOptions<RestoreOptions> options,
    IOptions<DataOptions> data,
    IStringLocalizer<CoreText> text,
    TimeProvider clock)
{
    public const int MaxDatabaseName = 64;

    /// <summary>The directories restores may write under, absolute.</summary>
    public IReadOnlyList<string> DirectoryRoots =>
        (options.Value.DirectoryRoots.Count > 0 ? options.Value.DirectoryRoots : [Path.Combine(data.Value.FullDirectory, "restores")])
        .Select(r => Path.TrimEndingDirectorySeparator(Path.GetFullPath(r))).ToList();

    public async Task<OperationResult<RestoreSource>> DescribeAsync(string backupId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var row = await db.BackupData.AsNoTracking().SingleOrDefaultAsync(d => d.Id == backupId, ct);
        if (row is null)
            return OperationResult<RestoreSource>.NotFound(text["BackupData.NotFound"]);
        if (row.Status != BackupDataStatus.Available)
            return OperationResult<RestoreSource>.Fail("", text["Restore.NotAvailable", backupId]);
        if (InstanceKinds.FromManifestName(row.SourceKind) is not { } kind)
            return OperationResult<RestoreSource>.Fail("", text["Restore.UnknownKind", row.SourceKind]);

        IReadOnlyList<string> databases = [];
        IReadOnlyList<int> redisDatabases = [];
        if (kind is InstanceKind.MySql or InstanceKind.Redis)
        {
            try
            {
                await using var pool = await pools.OpenRepositoryAsync(row.PoolId, ct);
                var manifest = await pool.Repository.ReadManifestAsync(backupId, ct) ?? throw new BackupNotFoundException(backupId, pool.Repository.Store.Location);
                if (kind == InstanceKind.Redis)
                {
                    redisDatabases = manifest.Properties.GetValueOrDefault("databases", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
                }
                else if (row.BackupType == "logical")
                {
                    await using var stream = await pool.Repository.OpenObjectAsync(manifest, MySqlLogicalBackup.CatalogObject, pool.Key, ct);
                    var catalog = await JsonSerializer.DeserializeAsync<LogicalCatalog>(stream, BackupManifest.Json, ct);
                    databases = catalog?.Databases.Select(d => d.Name).ToList() ?? [];
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return OperationResult<RestoreSource>.Fail("", text["Restore.PoolUnreadable", ex.Message]);
            }
        }
        var modes = kind switch
        {
            InstanceKind.MySql when row.BackupType == "logical" => [RestoreMode.NewDatabase],
            // A server starts only from a whole-server copy (a partial one lacks the system tables) whose accounts are known (its plan's instance).
            InstanceKind.MySql => await WholeServerAsync(db, row, ct) ? [RestoreMode.NewServer, RestoreMode.DataDirectory] : new[] { RestoreMode.DataDirectory },
            InstanceKind.Redis => [RestoreMode.RedisDatabase],
            InstanceKind.ObjectStorage => [RestoreMode.Bucket],
            _ => [RestoreMode.Directory],
        };
        var suffix = clock.GetUtcNow().ToString("yyyyMMddHHmm");
        return OperationResult<RestoreSource>.Ok(new RestoreSource(
            backupId, kind, row.BackupType, row.SourceDescription, modes, databases, redisDatabases,
            Path.Combine(DirectoryRoots[0], $"{backupId}-{suffix}"), suffix));
    }

    private static async Task<bool> WholeServerAsync(BackupDbContext db, BackupData row, CancellationToken ct)
    {
        if (row.PlanId is null)
            return false;
        var selection = await db.Plans.Where(p => p.Id == row.PlanId).Select(p => p.Selection).SingleOrDefaultAsync(ct);
        if (!string.IsNullOrEmpty(selection))
            return false;
        // An incremental is whole when its chain's full backup is.
        var parent = row.ParentId is null ? null : await db.BackupData.AsNoTracking().SingleOrDefaultAsync(d => d.Id == row.ParentId, ct);
        return parent is null || await WholeServerAsync(db, parent, ct);
    }

    /// <summary>Checks the request and starts the job; returns its id. Every refusal names the field it is about.</summary>
    public async Task<OperationResult<string>> StartAsync(RestoreRequest request, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenantId = db.RequireTenant();
        var row = await db.BackupData.AsNoTracking().SingleOrDefaultAsync(d => d.Id == request.BackupId, ct);
        var described = await DescribeAsync(request.BackupId, ct);
        if (row is null || !described.Succeeded)
            return described.IsNotFound ? OperationResult<string>.NotFound(described.ErrorText) : OperationResult<string>.Fail(described.Errors);
        var source = described.Value!;
        if (!source.Modes.Contains(request.Mode))
            return OperationResult<string>.Fail("Mode", text["Restore.ModeNotFor", request.Mode]);

        var errors = new List<FieldError>();
        Instance? target = null;
        if (request.Mode is RestoreMode.NewDatabase or RestoreMode.RedisDatabase or RestoreMode.Bucket)
        {
            var kind = request.Mode switch { RestoreMode.NewDatabase => InstanceKind.MySql, RestoreMode.RedisDatabase => InstanceKind.Redis, _ => InstanceKind.ObjectStorage };
            target = request.TargetInstanceId is null ? null : await db.Instances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == request.TargetInstanceId && i.Kind == kind, ct);
            if (target is null)
                return OperationResult<string>.Fail("TargetInstanceId", text["Restore.TargetRequired"]);
        }
        string targetText;
        switch (request.Mode)
        {
            case RestoreMode.NewDatabase:
                targetText = await CheckDatabasesAsync(target!, source, request, errors, ct);
                break;
            case RestoreMode.RedisDatabase:
                targetText = await CheckRedisAsync(target!, source, request, errors, ct);
                break;
            case RestoreMode.Bucket:
                targetText = CheckBucket(target!, request, errors);
                break;
            default:
                targetText = CheckDirectory(request.Directory, errors);
                if (request.Mode == RestoreMode.NewServer)
                {
                    var name = request.NewInstanceName?.Trim() ?? "";
                    if (name.Length is 0 or > Instance.MaxNameLength)
                        errors.Add(new("NewInstanceName", text["Restore.InstanceNameRequired", Instance.MaxNameLength]));
                    else if (await db.Instances.AnyAsync(i => i.Name == name, ct))
                        errors.Add(new("NewInstanceName", text["Instance.NameTaken", name]));
                    request = request with { NewInstanceName = name };
                }
                break;
        }
        if (errors.Count > 0)
            return OperationResult<string>.Fail(errors);

        // Every set the restore reads: an incremental needs its whole chain kept until it is done.
        var reads = new List<string> { row.Id };
        var parent = row.ParentId;
        while (parent is not null && !reads.Contains(parent))
        {
            reads.Add(parent);
            parent = await db.BackupData.Where(d => d.Id == parent).Select(d => d.ParentId).SingleOrDefaultAsync(ct);
        }
        var job = new RestoreJob
        {
            Id = ResourceIds.New(ResourceIds.RestoreJob), BackupId = row.Id, PlanId = row.PlanId, PoolId = row.PoolId, Mode = request.Mode,
            Target = targetText.Length > 1024 ? targetText[..1024] : targetText, ReadsBackups = "," + string.Join(",", reads) + ",",
            Status = RestoreJobStatus.Running, StartedAt = clock.GetUtcNow(), Node = runner.NodeId,
        };
        db.RestoreJobs.Add(job);
        await events.RecordAsync(db, row.PlanId ?? row.PoolId, "RestoreStarted", EventLevel.Info, $"{row.Id} → {job.Target}", ct);
        // Refused if a delete of this backup (or of a set it needs) started meanwhile.
        if (await db.BackupData.AnyAsync(d => reads.Contains(d.Id) && d.Status != BackupDataStatus.Available, ct))
            return OperationResult<string>.Fail("", text["Restore.NotAvailable", row.Id]);
        await db.SaveChangesAsync(ct);
        runner.Start(tenantId, job, request);
        return OperationResult<string>.Ok(job.Id);
    }

    private async Task<string> CheckDatabasesAsync(Instance target, RestoreSource source, RestoreRequest request, List<FieldError> errors, CancellationToken ct)
    {
        var names = request.DatabaseNames ?? new Dictionary<string, string>();
        var missing = source.Databases.Where(d => string.IsNullOrWhiteSpace(names.GetValueOrDefault(d))).ToList();
        if (missing.Count > 0 || names.Keys.Any(k => !source.Databases.Contains(k)))
        {
            errors.Add(new("DatabaseNames", text["Restore.DatabaseNamesRequired", string.Join(", ", source.Databases)]));
            return "";
        }
        foreach (var name in names.Values)
        {
            if (name.Length > MaxDatabaseName || name != name.Trim() || !DatabaseName().IsMatch(name) || TableSelection.IsSystemDatabase(name))
                errors.Add(new("DatabaseNames", text["Restore.DatabaseNameInvalid", name]));
        }
        if (names.Values.Distinct(StringComparer.OrdinalIgnoreCase).Count() != names.Count)
            errors.Add(new("DatabaseNames", text["Restore.DatabaseNamesDistinct"]));
        if (errors.Count > 0)
            return "";
        try
        {
            await using var relay = connections.RelayFor(target, target.External ? await gateways.GetRouteAsync(ct) : null);
            var endpoint = connections.MySql(target, relay);
            await using var connection = new MySqlConnection(endpoint.ConnectionString());
            await connection.OpenAsync(ct);
            foreach (var name in names.Values)
            {
                await using var exists = new MySqlCommand("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = @name", connection);
                exists.Parameters.AddWithValue("@name", name);
                if (Convert.ToInt64(await exists.ExecuteScalarAsync(ct)) > 0)
                    errors.Add(new("DatabaseNames", text["Restore.DatabaseExists", name, target.Name]));
            }
        }
        catch (Exception ex) when (ex is MySqlException or InvalidOperationException)
        {
            errors.Add(new("TargetInstanceId", text["Instance.ConnectionFailed", ex.Message]));
        }
        return $"{target.Name} ({target.Host}:{target.Port ?? 3306}) · " + string.Join(", ", names.Select(n => n.Key == n.Value ? n.Value : $"{n.Key} → {n.Value}"));
    }

    private async Task<string> CheckRedisAsync(Instance target, RestoreSource source, RestoreRequest request, List<FieldError> errors, CancellationToken ct)
    {
        if (request.RedisDatabase is { } chosen && (chosen < 0 || chosen > 15))
            errors.Add(new("RedisDatabase", text["Restore.RedisDatabaseRange"]));
        else if (request.RedisDatabase is not null && source.RedisDatabases.Count > 1)
            errors.Add(new("RedisDatabase", text["Restore.RedisManyDatabases", string.Join(", ", source.RedisDatabases)]));
        if (errors.Count > 0)
            return "";
        var into = request.RedisDatabase is { } one ? [one] : source.RedisDatabases;
        try
        {
            await using var relay = connections.RelayFor(target, target.External ? await gateways.GetRouteAsync(ct) : null);
            await using var connection = await connections.Redis(target, relay).ConnectAsync(ct);
            var server = connection.GetServer(connection.GetEndPoints()[0]);
            foreach (var db in into)
            {
                var size = await server.DatabaseSizeAsync(db);
                if (size > 0)
                    errors.Add(new("RedisDatabase", text["Restore.RedisNotEmpty", db, target.Name, size]));
            }
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or InvalidOperationException)
        {
            errors.Add(new("TargetInstanceId", text["Instance.ConnectionFailed", ex.Message]));
        }
        return $"{target.Name} ({target.Host}:{target.Port ?? 6379}) · db {string.Join(", ", into)}";
    }

    private string CheckBucket(Instance target, RestoreRequest request, List<FieldError> errors)
    {
        var bucket = request.Bucket?.Trim() ?? "";
        if (!StoragePoolRules.IsValidBucketName(bucket))
            errors.Add(new("Bucket", text["Restore.BucketInvalid"]));
        var prefix = request.Prefix?.Trim('/') ?? "";
        if (prefix.Length > 0 && (!ObjectKeys.IsValid(prefix) || prefix.Split('/').Any(s => s is "" or "." or "..")))
            errors.Add(new("Prefix", text["Restore.PrefixInvalid"]));
        return $"{target.Name} ({target.Host}) · s3://{bucket}/{prefix}";
    }

    private string CheckDirectory(string? directory, List<FieldError> errors)
    {
        var roots = DirectoryRoots;
        if (string.IsNullOrWhiteSpace(directory) || !Path.IsPathFullyQualified(directory) || directory.Contains('\0'))
        {
            errors.Add(new("Directory", text["Restore.DirectoryAbsolute", string.Join(", ", roots)]));
            return "";
        }
        // The file system's own limits (NAME_MAX, PATH_MAX), checked here so a restore is refused rather than started and failed.
        if (directory.Split(Path.DirectorySeparatorChar).Any(n => System.Text.Encoding.UTF8.GetByteCount(n) > 255) || System.Text.Encoding.UTF8.GetByteCount(directory) > 4000)
        {
            errors.Add(new("Directory", text["Restore.DirectoryNameTooLong"]));
            return "";
        }
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var root = roots.FirstOrDefault(r => full.StartsWith(r + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        if (root is null || PassesThroughLink(root, full))
            errors.Add(new("Directory", text["Restore.DirectoryOutsideRoots", string.Join(", ", roots)]));
        else if (File.Exists(full) || (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any()))
            errors.Add(new("Directory", text["Restore.DirectoryNotEmpty", full]));
        return full;
    }

    /// <summary>The newest jobs of a plan, of a pool, or (both null) of the tenant.</summary>
    /// <summary>
    /// Whether a path below the root goes through a symbolic link — one a file-storage restore may have recreated — which
    /// would lead a later restore outside the root while its name still looks inside.
    /// </summary>
    private static bool PassesThroughLink(string root, string full)
    {
        for (var current = full; current.Length > root.Length; current = Path.GetDirectoryName(current)!)
        {
            if (Path.Exists(current) && new FileInfo(current).LinkTarget is not null)
                return true;
        }
        return false;
    }

    public async Task<IReadOnlyList<RestoreJobView>> ListAsync(string? planId = null, string? poolId = null, int take = 20, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var jobs = await db.RestoreJobs.AsNoTracking()
            .Where(j => (planId == null || j.PlanId == planId) && (poolId == null || j.PoolId == poolId))
            .OrderByDescending(j => j.StartedAt).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return jobs.Select(Live).ToList();
    }

    public async Task<RestoreJobView?> GetAsync(string jobId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var job = await db.RestoreJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId, ct);
        return job is null ? null : Live(job);
    }

    /// <summary>A running job's counters straight from the runner, so the progress bar moves between saves.</summary>
    private RestoreJobView Live(RestoreJob job)
    {
        if (job.Status == RestoreJobStatus.Running && runner.ProgressOf(job.Id) is { } live)
        {
            job.BytesDone = live.Bytes;
            job.BytesTotal = live.TotalBytes;
            job.ItemsDone = live.Items;
            job.ItemsTotal = live.TotalItems;
            job.Message = live.Message;
        }
        return RestoreJobView.Of(job);
    }

    public async Task<OperationResult> CancelAsync(string jobId, CancellationToken ct = default)
    {
        var job = await GetAsync(jobId, ct);
        if (job is null)
            return OperationResult.NotFound(text["Restore.NotFound"]);
        if (job.Status != RestoreJobStatus.Running || !runner.Cancel(jobId))
            return OperationResult.Fail("", text["Restore.NotRunning"]);
        return OperationResult.Ok();
    }

    // Letters, digits, _ and $ (and non-ASCII letters): what needs no care on the command line or in tools.
    [GeneratedRegex(@"^[\p{L}\p{N}_$-]{1,64}$")]
    private static partial Regex DatabaseName();
}
