using BackupConsole.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupConsole.Core.Cluster;

/// <summary>
/// Which console nodes are alive, as Quartz's cluster sees them: every clustered scheduler checks in to
/// <c>QRTZ_SCHEDULER_STATE</c>, and Quartz removes the row of a node that stopped checking in once it has taken
/// over that node's triggers. Runs and restores stamped with a node not listed there are nobody's any more.
/// </summary>
public sealed class ClusterMembership(
    ConsoleNode node, IServiceScopeFactory scopes, Quartz.ISchedulerFactory schedulers, Microsoft.Extensions.Options.IOptions<DatabaseOptions> database)
{
    /// <summary>The live nodes, or null for a single console (no other node can exist).</summary>
    public async Task<IReadOnlySet<string>?> LiveNodesAsync(CancellationToken ct)
    {
        if (!node.Clustered)
            return null;
        await using var scope = scopes.CreateAsyncScope();
        await using var db = scope.ServiceProvider.GetRequiredService<TenantDbFactory>().ForSystem();
        // Quartz creates its tables when the first node's scheduler starts; before that no node has checked in.
        var scheduler = (await schedulers.GetScheduler(ct)).SchedulerName;
        List<string> names;
        if (DatabaseProviders.Is(database.Value.Provider, DatabaseProviders.PostgreSql))
        {
            // Unquoted names fold to lower case in PostgreSQL; the result column keeps its case only when quoted.
            if (await db.Database.SqlQuery<int>($"SELECT COUNT(*)::int AS \"Value\" FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'qrtz_scheduler_state'").SingleAsync(ct) == 0)
                return new HashSet<string>();
            names = await db.Database.SqlQuery<string>($"SELECT instance_name AS \"Value\" FROM qrtz_scheduler_state WHERE sched_name = {scheduler}").ToListAsync(ct);
        }
        else
        {
            if (await db.Database.SqlQuery<int>($"SELECT COUNT(*) AS Value FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'QRTZ_SCHEDULER_STATE'").SingleAsync(ct) == 0)
                return new HashSet<string>();
            names = await db.Database.SqlQuery<string>($"SELECT INSTANCE_NAME AS Value FROM QRTZ_SCHEDULER_STATE WHERE SCHED_NAME = {scheduler}").ToListAsync(ct);
        }
        return names.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Whether a run or restore stamped with <paramref name="owner"/> has been left by its node. At start
    /// (<paramref name="live"/> read before this node checked in) this node's own earlier rows count as left.</summary>
    public static bool IsLeft(string? owner, IReadOnlySet<string>? live) =>
        live is null || owner is null || !live.Contains(owner);
}
