using BackupConsole.Core.Data;
using BackupConsole.Core.Tenancy;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackupConsole.Core.Identity;

/// <summary>On first run, creates the platform administrator (and its tenant) from configuration or with a printed one-time password.</summary>
public sealed class AdminBootstrapper(
    TenantDbFactory dbFactory,
    TenantProvisioning provisioning,
    UserManager<AppUser> users,
    IOptions<AdminOptions> options,
    TimeProvider clock,
    ILogger<AdminBootstrapper> logger)
{
    /// <summary>Returns the generated password when one was made, so a caller other than the log (a test) can use it.</summary>
    public async Task<string?> EnsureAdminAsync(CancellationToken ct = default)
    {
        if (await users.Users.AnyAsync(u => u.IsPlatformAdmin, ct))
            return null;

        var admin = options.Value;
        Tenant tenant;
        await using (var db = dbFactory.ForSystem())
        {
            tenant = await db.Tenants.SingleOrDefaultAsync(t => t.Name == admin.TenantName, ct)
                     ?? await provisioning.CreateAsync(admin.TenantName, remark: null, ct);
        }

        var generated = admin.Password.Length == 0;
        var password = generated ? PasswordGenerator.Generate() : admin.Password;
        var user = new AppUser
        {
            UserName = admin.UserName,
            DisplayName = admin.UserName,
            TenantId = tenant.Id,
            IsPlatformAdmin = true,
            MustChangePassword = generated,
            CreatedAt = clock.GetUtcNow(),
        };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
            throw new InvalidOperationException(
                "Cannot create the administrator from the Admin settings: " + string.Join(" ", result.Errors.Select(e => e.Description)));

        if (generated)
        {
            // Printed exactly once, by design: this is the only way into a fresh console without configuration.
            logger.LogWarning(
                "First run: created platform administrator '{UserName}' with one-time password {Password} — sign in and change it now; it is not shown again.",
                admin.UserName, password);
        }
        else
        {
            logger.LogInformation("First run: created platform administrator '{UserName}' from configuration", admin.UserName);
        }
        return generated ? password : null;
    }
}
