using BackupConsole.Core.Common;
using BackupConsole.Core.Localization;
using BackupConsole.Core.Tenancy;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;

namespace BackupConsole.Core.Identity;

/// <summary>What signed-in users do to their own account: change the password, remember the UI language.</summary>
public sealed class AccountService(ITenantContext actor, UserManager<AppUser> users, IStringLocalizer<CoreText> text)
{
    public static readonly IReadOnlyList<string> SupportedCultures = ["zh-CN", "en-US"];

    public async Task<OperationResult> ChangePasswordAsync(string currentPassword, string newPassword, CancellationToken ct = default)
    {
        var user = await RequireUserAsync();
        if (newPassword == currentPassword)
            return OperationResult.Fail("NewPassword", text["Account.PasswordUnchanged"]);
        var result = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        if (!result.Succeeded)
        {
            var errors = result.Errors.Select(e => new FieldError(
                e.Code == nameof(IdentityErrorDescriber.PasswordMismatch) ? "CurrentPassword" : "NewPassword", e.Description)).ToList();
            return OperationResult.Fail(errors);
        }
        user.MustChangePassword = false;
        await users.UpdateAsync(user);
        return OperationResult.Ok();
    }

    public async Task SetPreferredCultureAsync(string culture, CancellationToken ct = default)
    {
        if (!SupportedCultures.Contains(culture))
            throw new ArgumentOutOfRangeException(nameof(culture), culture, "Unsupported UI culture.");
        var user = await RequireUserAsync();
        user.PreferredCulture = culture;
        await users.UpdateAsync(user);
    }

    private async Task<AppUser> RequireUserAsync() =>
        (actor.UserId is { } id ? await users.FindByIdAsync(id) : null)
        ?? throw new TenantAccessException("Sign in first.");
}
