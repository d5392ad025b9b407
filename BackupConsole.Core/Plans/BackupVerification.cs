using BackupConsole.Core.Data;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackupConsole.Core.Plans;

/// <summary>
/// Scheduled verification: each pass re-reads the available backups whose last check is missing or older than
/// <see cref="PlanOptions.ReverifyAfterDays"/>, oldest check first, a bounded number per pass, for every tenant.
/// </summary>
public sealed class BackupVerification(TenantDbFactory dbFactory, TenantScopes scopes, IOptions<PlanOptions> options, TimeProvider clock, ILogger<BackupVerification> logger)
{
    public sealed record Result(int Passed, int Failed);

    public async Task<Result> RunDueAsync(CancellationToken ct)
    {
        await using var system = dbFactory.ForSystem();
        var before = clock.GetUtcNow().AddDays(-options.Value.ReverifyAfterDays);
        var due = (await system.BackupData.AsNoTracking()
                .Where(d => d.Status == BackupDataStatus.Available && d.Verification != VerificationState.Verifying)
                .Select(d => new { d.Id, d.TenantId, d.VerifiedAt, d.FinishedAt })
                .ToListAsync(ct))
            // Compared in memory: SQLite cannot order or compare DateTimeOffset columns.
            .Where(d => d.VerifiedAt is null || d.VerifiedAt < before)
            .OrderBy(d => d.VerifiedAt ?? DateTimeOffset.MinValue).ThenBy(d => d.FinishedAt)
            .Take(options.Value.VerificationsPerPass)
            .ToList();
        int passed = 0, failed = 0;
        foreach (var row in due)
        {
            await using var scope = scopes.ForTenant(row.TenantId);
            var result = await scope.ServiceProvider.GetRequiredService<BackupDataService>().VerifyAsync(row.Id, ct: ct);
            if (result.Succeeded)
                passed++;
            else
                failed++;
        }
        if (due.Count > 0)
            logger.LogInformation("Scheduled verification: {Passed} passed, {Failed} failed", passed, failed);
        return new Result(passed, failed);
    }

    /// <summary>A console stopped mid-check leaves rows "verifying": they go back to what they were known as.</summary>
    public async Task ResetInterruptedAsync(CancellationToken ct)
    {
        await using var system = dbFactory.ForSystem();
        await system.BackupData.Where(d => d.Verification == VerificationState.Verifying).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Verification, d => d.VerifiedAt == null ? VerificationState.NotVerified : d.VerificationError == null ? VerificationState.Passed : VerificationState.Failed), ct);
    }
}
