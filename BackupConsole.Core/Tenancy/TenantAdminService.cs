using BackupConsole.Core.Common;
using BackupConsole.Core.Data;
using BackupConsole.Core.Identity;
using BackupConsole.Core.Localization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging;

namespace BackupConsole.Core.Tenancy;

/// <summary>The platform administrator's work: tenants and their users (租户与用户). Every method refuses anyone else.</summary>
public sealed class TenantAdminService(
    ITenantContext actor,
    TenantDbFactory dbFactory,
    TenantProvisioning provisioning,
    UserManager<AppUser> users,
    IStringLocalizer<CoreText> text,
    TimeProvider clock,
    ILogger<TenantAdminService> logger)
{
    public const int MaxTenantNameLength = 64;

    public async Task<IReadOnlyList<TenantSummary>> ListTenantsAsync(CancellationToken ct = default)
    {
        RequireAdmin();
        await using var db = dbFactory.ForSystem();
        return await db.Tenants.AsNoTracking()
            .OrderBy(t => t.CreatedAt)
            .Select(t => new TenantSummary(t.Id, t.Name, t.Remark, t.IsDisabled, db.Users.Count(u => u.TenantId == t.Id), t.CreatedAt))
            .ToListAsync(ct);
    }

    public async Task<OperationResult<Tenant>> CreateTenantAsync(string name, string? remark, CancellationToken ct = default)
    {
        RequireAdmin();
        name = name.Trim();
        if (name.Length is 0 or > MaxTenantNameLength)
            return OperationResult<Tenant>.Fail("Name", text["Tenant.NameLength", MaxTenantNameLength]);
        await using (var db = dbFactory.ForSystem())
        {
            if (await db.Tenants.AnyAsync(t => t.Name == name, ct))
                return OperationResult<Tenant>.Fail("Name", text["Tenant.NameTaken", name]);
        }
        var tenant = await provisioning.CreateAsync(name, string.IsNullOrWhiteSpace(remark) ? null : remark.Trim(), ct);
        logger.LogInformation("Tenant {TenantId} created by {UserId}", tenant.Id, actor.UserId);
        return OperationResult<Tenant>.Ok(tenant);
    }

    public async Task<OperationResult> SetTenantDisabledAsync(string tenantId, bool disabled, CancellationToken ct = default)
    {
        RequireAdmin();
        if (disabled && tenantId == actor.TenantId)
            return OperationResult.Fail("", text["Tenant.CannotDisableOwn"]);
        await using var db = dbFactory.ForSystem();
        var tenant = await db.Tenants.SingleOrDefaultAsync(t => t.Id == tenantId, ct);
        if (tenant is null)
            return OperationResult.Fail("", text["Tenant.NotFound", tenantId]);
        tenant.IsDisabled = disabled;
        tenant.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);

        // A new security stamp ends the sessions of the tenant's users at their next revalidation.
        foreach (var user in await users.Users.Where(u => u.TenantId == tenantId).ToListAsync(ct))
            await users.UpdateSecurityStampAsync(user);
        logger.LogInformation("Tenant {TenantId} disabled={Disabled} by {UserId}", tenantId, disabled, actor.UserId);
        return OperationResult.Ok();
    }

    public async Task<IReadOnlyList<UserSummary>> ListUsersAsync(string tenantId, CancellationToken ct = default)
    {
        RequireAdmin();
        var now = clock.GetUtcNow();
        var rows = await users.Users.AsNoTracking().Where(u => u.TenantId == tenantId).ToListAsync(ct);
        return rows.OrderBy(u => u.CreatedAt)
            .Select(u => new UserSummary(u.Id, u.UserName ?? "", u.DisplayName, u.TenantId, u.IsPlatformAdmin, u.IsDisabled,
                u.LockoutEnd is { } end && end > now, u.MustChangePassword, u.CreatedAt))
            .ToList();
    }

    public async Task<OperationResult<OneTimePassword>> CreateUserAsync(string tenantId, string userName, string displayName, CancellationToken ct = default)
    {
        RequireAdmin();
        await using (var db = dbFactory.ForSystem())
        {
            if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct))
                return OperationResult<OneTimePassword>.Fail("", text["Tenant.NotFound", tenantId]);
        }
        userName = userName.Trim();
        if (userName.Length == 0)
            return OperationResult<OneTimePassword>.Fail("UserName", text["User.NameRequired"]);

        var user = new AppUser
        {
            UserName = userName,
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? userName : displayName.Trim(),
            TenantId = tenantId,
            MustChangePassword = true,
            CreatedAt = clock.GetUtcNow(),
        };
        var password = PasswordGenerator.Generate();
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
            return OperationResult<OneTimePassword>.Fail(result.ToFieldErrors());
        logger.LogInformation("User {UserId} created in tenant {TenantId} by {ActorId}", user.Id, tenantId, actor.UserId);
        return OperationResult<OneTimePassword>.Ok(new OneTimePassword(userName, password));
    }

    public async Task<OperationResult> SetUserDisabledAsync(string userId, bool disabled, CancellationToken ct = default)
    {
        RequireAdmin();
        if (disabled && userId == actor.UserId)
            return OperationResult.Fail("", text["User.CannotDisableSelf"]);
        var user = await users.FindByIdAsync(userId);
        if (user is null)
            return OperationResult.NotFound(text["User.NotFound"]);
        user.IsDisabled = disabled;
        var result = await users.UpdateAsync(user);
        if (result.Succeeded)
            result = await users.UpdateSecurityStampAsync(user);
        if (!result.Succeeded)
            return OperationResult.Fail(result.ToFieldErrors());
        logger.LogInformation("User {UserId} disabled={Disabled} by {ActorId}", userId, disabled, actor.UserId);
        return OperationResult.Ok();
    }

    /// <summary>Replaces the password with a generated one-time password, lifts any lockout and ends the user's sessions.</summary>
    public async Task<OperationResult<OneTimePassword>> ResetPasswordAsync(string userId, CancellationToken ct = default)
    {
        RequireAdmin();
        var user = await users.FindByIdAsync(userId);
        if (user is null)
            return OperationResult<OneTimePassword>.NotFound(text["User.NotFound"]);
        var password = PasswordGenerator.Generate();
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var result = await users.ResetPasswordAsync(user, token, password);
        if (!result.Succeeded)
            return OperationResult<OneTimePassword>.Fail(result.ToFieldErrors());
        user.MustChangePassword = true;
        await users.UpdateAsync(user);
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        logger.LogInformation("Password of user {UserId} reset by {ActorId}", userId, actor.UserId);
        return OperationResult<OneTimePassword>.Ok(new OneTimePassword(user.UserName ?? "", password));
    }

    private void RequireAdmin()
    {
        if (!actor.IsPlatformAdmin)
            throw new TenantAccessException("Only the platform administrator manages tenants and users.");
    }
}
