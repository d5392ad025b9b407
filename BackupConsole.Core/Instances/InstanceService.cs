using System.Text.RegularExpressions;
using BackupConsole.Core.Common;
using BackupConsole.Core.Data;
using BackupConsole.Core.Events;
using BackupConsole.Core.Gateways;
using BackupConsole.Core.Localization;
using BackupConsole.Core.Security;
using BackupConsole.Core.Tags;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace BackupConsole.Core.Instances;

/// <summary>The signed-in tenant's data sources (实例): register, update, test the connection, list, delete.</summary>
public sealed partial class InstanceService(
    IDbContextFactory<BackupDbContext> dbFactory,
    TagService tags,
    EventLog events,
    ISecretProtector secrets,
    InstanceProbe probe,
    InstanceCapabilities capabilities,
    GatewayService gateways,
    IEnumerable<IInstanceDependents> dependents,
    InstanceConnections connections,
    IOptions<InstanceOptions> options,
    IStringLocalizer<CoreText> text,
    TimeProvider clock)
{
    public IReadOnlyList<string> Regions => options.Value.EffectiveRegions;

    public Task<IReadOnlyList<InstanceView>> ListAsync(InstanceKind? kind = null, CancellationToken ct = default) =>
        ViewsAsync(i => kind == null || i.Kind == kind, ct);

    public async Task<InstanceView?> GetAsync(string id, CancellationToken ct = default) =>
        (await ViewsAsync(i => i.Id == id, ct)).SingleOrDefault();

    private async Task<IReadOnlyList<InstanceView>> ViewsAsync(System.Linq.Expressions.Expression<Func<Instance, bool>> which, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var rows = await (from i in db.Instances.AsNoTracking().Where(which)
                          join pg in db.ProjectGroups on i.ProjectGroupId equals pg.Id
                          orderby i.CreatedAt
                          select new { Instance = i, GroupName = pg.Name }).ToListAsync(ct);
        var tagsById = await tags.GetTagsAsync(db, rows.Select(r => r.Instance.Id).ToList(), ct);
        return rows.Select(r => ToView(r.Instance, r.GroupName, tagsById.GetValueOrDefault(r.Instance.Id, []))).ToList();
    }

    public async Task<OperationResult<InstanceView>> CreateAsync(InstanceInput input, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var errors = await ValidateAsync(db, input, existing: null, ct);
        if (errors.Count > 0)
            return OperationResult<InstanceView>.Fail(errors);
        var now = clock.GetUtcNow();
        var instance = new Instance
        {
            Id = ResourceIds.New(ResourceIds.Instance),
            Name = input.Name.Trim(),
            Kind = input.Kind,
            Region = "",
            ProjectGroupId = "",
            CreatedAt = now,
        };
        await ApplyAsync(db, instance, input, ct);
        db.Instances.Add(instance);
        await tags.StageAsync(db, instance.Id, input.Tags ?? [], ct);
        await events.RecordAsync(db, instance.Id, "InstanceRegistered", EventLevel.Info, $"{instance.Name}; {Address(instance)}", ct);
        await db.SaveChangesAsync(ct);
        return OperationResult<InstanceView>.Ok((await GetAsync(instance.Id, ct))!);
    }

    /// <summary>Updates the instance; the kind cannot change, and an empty secret keeps the stored one.</summary>
    public async Task<OperationResult<InstanceView>> UpdateAsync(string id, InstanceInput input, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var instance = await db.Instances.SingleOrDefaultAsync(i => i.Id == id, ct);
        if (instance is null)
            return OperationResult<InstanceView>.NotFound(text["Instance.NotFound"]);
        if (input.Kind != instance.Kind)
            return OperationResult<InstanceView>.Fail("Kind", text["Instance.KindFixed"]);
        var errors = await ValidateAsync(db, input, instance, ct);
        if (errors.Count > 0)
            return OperationResult<InstanceView>.Fail(errors);
        instance.Name = input.Name.Trim();
        await ApplyAsync(db, instance, input, ct);
        instance.UpdatedAt = clock.GetUtcNow();
        await tags.StageAsync(db, instance.Id, input.Tags ?? [], ct);
        await events.RecordAsync(db, instance.Id, "InstanceUpdated", EventLevel.Info, $"{instance.Name}; {Address(instance)}", ct);
        await db.SaveChangesAsync(ct);
        return OperationResult<InstanceView>.Ok((await GetAsync(instance.Id, ct))!);
    }

    /// <summary>Deletes an instance no plan backs up; otherwise refused, naming the plans.</summary>
    public async Task<OperationResult> DeleteAsync(string id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var instance = await db.Instances.SingleOrDefaultAsync(i => i.Id == id, ct);
        if (instance is null)
            return OperationResult.NotFound(text["Instance.NotFound"]);
        var plans = new List<string>();
        foreach (var dependent in dependents)
            plans.AddRange(await dependent.PlansUsingAsync(id, ct));
        if (plans.Count > 0)
            return OperationResult.Fail("", text["Instance.InUse", string.Join("、", plans)]);
        db.Instances.Remove(instance);
        await tags.StageAsync(db, instance.Id, [], ct);
        await events.RecordAsync(db, instance.Id, "InstanceDeleted", EventLevel.Info, instance.Name, ct);
        await db.SaveChangesAsync(ct);
        return OperationResult.Ok();
    }

    /// <summary>A MySQL instance's user databases and their tables, read live for the plan dialog's selection (R-PLAN-2).</summary>
    public async Task<OperationResult<IReadOnlyList<(string Database, IReadOnlyList<string> Tables)>>> ListSchemaAsync(string id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var instance = await db.Instances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id && i.Kind == InstanceKind.MySql, ct);
        if (instance is null)
            return OperationResult<IReadOnlyList<(string, IReadOnlyList<string>)>>.NotFound(text["Instance.NotFound"]);
        try
        {
            await using var relay = connections.RelayFor(instance, instance.External ? await gateways.GetRouteAsync(ct) : null);
            await using var connection = new MySqlConnector.MySqlConnection(connections.MySql(instance, relay).ConnectionString());
            await connection.OpenAsync(ct);
            await using var command = new MySqlConnector.MySqlCommand(
                "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_SCHEMA, TABLE_NAME", connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var tables = new List<(string Database, string Table)>();
            while (await reader.ReadAsync(ct))
                tables.Add((reader.GetString(0), reader.GetString(1)));
            return OperationResult<IReadOnlyList<(string, IReadOnlyList<string>)>>.Ok(tables
                .Where(t => !Executors.MySql.TableSelection.IsSystemDatabase(t.Database))
                .GroupBy(t => t.Database)
                .Select(g => (g.Key, (IReadOnlyList<string>)g.Select(t => t.Table).ToList()))
                .ToList());
        }
        catch (MySqlConnector.MySqlException ex)
        {
            return OperationResult<IReadOnlyList<(string, IReadOnlyList<string>)>>.Fail("", text["Instance.ConnectionFailed", ex.Message]);
        }
    }

    /// <summary>The dialog's 连接测试: connects with what was entered (or, for an empty secret, the stored one) and saves nothing.</summary>
    public async Task<OperationResult> TestConnectionAsync(InstanceInput input, string? existingId = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var existing = existingId is null ? null : await db.Instances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == existingId, ct);
        var errors = ValidateConnection(input, existing);
        if (errors.Count > 0)
            return OperationResult.Fail(errors);
        var candidate = new Instance { Id = existingId ?? "new", Name = input.Name, Kind = input.Kind, Region = "", ProjectGroupId = "" };
        await ApplyAsync(db, candidate, input, ct, keepSecretOf: existing);
        var route = candidate.External ? await gateways.GetRouteAsync(ct) : null;
        var problem = await probe.CheckAsync(candidate, route, TimeSpan.FromSeconds(options.Value.ProbeTimeoutSeconds), ct);
        return problem is null ? OperationResult.Ok() : OperationResult.Fail("", text["Instance.ConnectionFailed", problem]);
    }

    private async Task ApplyAsync(BackupDbContext db, Instance instance, InstanceInput input, CancellationToken ct, Instance? keepSecretOf = null)
    {
        instance.Remark = string.IsNullOrWhiteSpace(input.Remark) ? null : input.Remark.Trim();
        instance.Region = string.IsNullOrEmpty(input.Region) ? Regions[0] : input.Region;
        instance.ProjectGroupId = string.IsNullOrEmpty(input.ProjectGroupId)
            ? (await db.ProjectGroups.AsNoTracking().SingleAsync(g => g.IsDefault, ct)).Id
            : input.ProjectGroupId;
        instance.External = input.External;
        instance.Host = Blank(input.Host);
        instance.Port = input.Kind is InstanceKind.MySql or InstanceKind.Redis ? input.Port ?? (input.Kind == InstanceKind.MySql ? 3306 : 6379) : null;
        instance.UserName = Blank(input.UserName);
        if (!string.IsNullOrEmpty(input.Secret))
            instance.ProtectedSecret = secrets.Protect(input.Secret);
        else if (keepSecretOf is not null)
            instance.ProtectedSecret = keepSecretOf.ProtectedSecret;
        instance.DataDirectory = input.Kind == InstanceKind.MySql && Blank(input.DataDirectory) is { } dir ? Path.TrimEndingDirectorySeparator(dir) : null;
        instance.RedisDatabase = input.Kind == InstanceKind.Redis ? input.RedisDatabase : null;
        instance.Bucket = input.Kind == InstanceKind.ObjectStorage ? Blank(input.Bucket) : null;
        instance.Prefix = input.Kind == InstanceKind.ObjectStorage ? Blank(input.Prefix)?.Trim('/') : null;
        instance.Path = input.Kind == InstanceKind.FileStorage && Blank(input.Path) is { } path ? Path.TrimEndingDirectorySeparator(path) : null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private async Task<List<FieldError>> ValidateAsync(BackupDbContext db, InstanceInput input, Instance? existing, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var name = input.Name.Trim();
        if (name.Length is 0 or > Instance.MaxNameLength || name.Any(char.IsControl))
            errors.Add(new("Name", text["Instance.NameLength", Instance.MaxNameLength]));
        else if (await db.Instances.AnyAsync(i => i.Name == name && (existing == null || i.Id != existing.Id), ct))
            errors.Add(new("Name", text["Instance.NameTaken", name]));
        if (input.Remark is { Length: > Instance.MaxRemarkLength })
            errors.Add(new("Remark", text["Instance.RemarkLength", Instance.MaxRemarkLength]));
        if (!string.IsNullOrEmpty(input.Region) && !Regions.Contains(input.Region))
            errors.Add(new("Region", text["Instance.RegionUnknown", string.Join("、", Regions)]));
        if (!string.IsNullOrEmpty(input.ProjectGroupId) && !await db.ProjectGroups.AnyAsync(g => g.Id == input.ProjectGroupId, ct))
            errors.Add(new("ProjectGroupId", text["Gateway.ProjectGroupUnknown"]));
        errors.AddRange(tags.Validate(input.Tags ?? []));
        errors.AddRange(ValidateConnection(input, existing));
        if (input.External && await gateways.GetRouteAsync(ct) is null)
            errors.Add(new("External", text["Instance.ExternalNeedsGateway"]));
        return errors;
    }

    /// <summary>Link-local and cloud-metadata addresses, unless the operator allows them (the console would call its host's metadata service).</summary>
    private bool IsForbiddenAddress(string host) =>
        !options.Value.AllowLinkLocalHosts
        && System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var ip)
        && StoragePools.StoragePoolRules.IsMetadataOrLinkLocal(ip);

    // Host names and IPs only: the value reaches connection strings and never a shell, but nothing else belongs there.
    [GeneratedRegex(@"^(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)*$|^\[?[0-9A-Fa-f:.]+\]?$")]
    private static partial Regex HostPattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketPattern();

    private List<FieldError> ValidateConnection(InstanceInput input, Instance? existing)
    {
        var errors = new List<FieldError>();
        var hasSecret = !string.IsNullOrEmpty(input.Secret) || !string.IsNullOrEmpty(existing?.ProtectedSecret);
        switch (input.Kind)
        {
            case InstanceKind.MySql or InstanceKind.Redis:
                if (Blank(input.Host) is not { } host || host.Length > 253 || !HostPattern().IsMatch(host))
                    errors.Add(new("Host", text["Instance.HostInvalid"]));
                else if (IsForbiddenAddress(host))
                    errors.Add(new("Host", text["Instance.HostLinkLocal"]));
                if (input.Port is < 1 or > 65535)
                    errors.Add(new("Port", text["Instance.PortInvalid"]));
                if (input.Kind == InstanceKind.MySql && Blank(input.UserName) is null)
                    errors.Add(new("UserName", text["Instance.UserRequired"]));
                if (input.Kind == InstanceKind.MySql && Blank(input.DataDirectory) is { } dir && !Path.IsPathFullyQualified(dir))
                    errors.Add(new("DataDirectory", text["Instance.PathAbsolute"]));
                if (input.Kind == InstanceKind.Redis && input.RedisDatabase is < 0 or > 255)
                    errors.Add(new("RedisDatabase", text["Instance.RedisDatabaseInvalid"]));
                break;
            case InstanceKind.ObjectStorage:
                if (!Uri.TryCreate(Blank(input.Host) ?? "", UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
                    errors.Add(new("Host", text["Instance.EndpointInvalid"]));
                else if (IsForbiddenAddress(endpoint.Host))
                    errors.Add(new("Host", text["Instance.HostLinkLocal"]));
                if (Blank(input.UserName) is null)
                    errors.Add(new("UserName", text["Instance.AccessKeyRequired"]));
                if (!hasSecret)
                    errors.Add(new("Secret", text["Instance.SecretKeyRequired"]));
                if (Blank(input.Bucket) is not { } bucket || !BucketPattern().IsMatch(bucket))
                    errors.Add(new("Bucket", text["Instance.BucketInvalid"]));
                if (Blank(input.Prefix) is { } prefix && (prefix.Contains("..") || prefix.Contains('\0') || prefix.Length > 512))
                    errors.Add(new("Prefix", text["Instance.PrefixInvalid"]));
                break;
            default:
                if (Blank(input.Path) is not { } path || !Path.IsPathFullyQualified(path) || path.Contains('\0'))
                    errors.Add(new("Path", text["Instance.PathAbsolute"]));
                if (input.External)
                    errors.Add(new("External", text["Instance.ExternalNotForFiles"]));
                break;
        }
        return errors;
    }

    /// <summary>What the list shows as the address: never a secret.</summary>
    public static string Address(Instance instance) => instance.Kind switch
    {
        InstanceKind.MySql or InstanceKind.Redis => $"{instance.Host}:{instance.Port}" + (instance.RedisDatabase is { } db ? $"/{db}" : ""),
        InstanceKind.ObjectStorage => $"{instance.Host?.TrimEnd('/')}/{instance.Bucket}" + (instance.Prefix is { } p ? "/" + p : ""),
        _ => instance.Path ?? "",
    };

    private InstanceView ToView(Instance i, string groupName, IReadOnlyList<Tag> tagList) => new(
        i.Id, i.Name, i.Remark, i.Kind, i.Region, i.ProjectGroupId, groupName, tagList, i.External, Address(i), i.UserName,
        !string.IsNullOrEmpty(i.ProtectedSecret), i.DataDirectory, i.Status, i.StatusMessage, i.CheckedAt, capabilities.Of(i), i.CreatedAt, i.UpdatedAt)
    {
        Parts = new InstanceAddress(i.Host, i.Port, i.RedisDatabase, i.Bucket, i.Prefix, i.Path),
    };
}
