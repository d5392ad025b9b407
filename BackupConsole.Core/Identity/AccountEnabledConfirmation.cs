using BackupConsole.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Core.Identity;

/// <summary>Sign-in is allowed only for an enabled user of an enabled tenant (Identity asks this on every sign-in).</summary>
public sealed class AccountEnabledConfirmation(IDbContextFactory<BackupDbContext> dbFactory) : IUserConfirmation<AppUser>
{
    public async Task<bool> IsConfirmedAsync(UserManager<AppUser> manager, AppUser user)
    {
        if (user.IsDisabled)
            return false;
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.Tenants.AnyAsync(t => t.Id == user.TenantId && !t.IsDisabled);
    }
}
