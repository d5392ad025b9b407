using System.Globalization;
using BackupConsole.Core.Identity;
using BackupConsole.Core.Security;
using BackupConsole.Core.Tenancy;
using BackupConsole.Tests.Support;
using Microsoft.AspNetCore.Identity;

namespace BackupConsole.Tests.Identity;

/// <summary>Issue #2's sign-in rules: lockout, password rules, disabled users and tenants, one-time passwords.</summary>
[Trait(CoreTestHost.SuiteTrait, CoreTestHost.CoreSuite)]
public sealed class SignInRulesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        await using var host = await CoreTestHost.StartAsync();
        var (_, user) = await host.CreateTenantWithUserAsync("acme", "Right-Passw0rd");
        var signIn = host.Get<SignInManager<AppUser>>();

        for (var i = 0; i < 5; i++)
            Assert.False((await signIn.CheckPasswordSignInAsync(user, "Wrong-Passw0rd", lockoutOnFailure: true)).Succeeded);

        Assert.True((await signIn.CheckPasswordSignInAsync(user, "Right-Passw0rd", lockoutOnFailure: true)).IsLockedOut);
    }

    [Fact]
    public async Task A_disabled_user_cannot_sign_in()
    {
        await using var host = await CoreTestHost.StartAsync();
        var (_, user) = await host.CreateTenantWithUserAsync("acme", "Right-Passw0rd");
        host.ActAsAdmin();
        Assert.True((await host.Get<TenantAdminService>().SetUserDisabledAsync(user.Id, true, Ct)).Succeeded);

        var fresh = (await host.Get<UserManager<AppUser>>().FindByIdAsync(user.Id))!;
        Assert.True((await host.Get<SignInManager<AppUser>>().CheckPasswordSignInAsync(fresh, "Right-Passw0rd", true)).IsNotAllowed);
    }

    [Fact]
    public async Task A_user_of_a_disabled_tenant_cannot_sign_in()
    {
        await using var host = await CoreTestHost.StartAsync();
        var (tenant, user) = await host.CreateTenantWithUserAsync("acme", "Right-Passw0rd");
        var stampBefore = user.SecurityStamp;
        host.ActAsAdmin();
        Assert.True((await host.Get<TenantAdminService>().SetTenantDisabledAsync(tenant.Id, true, Ct)).Succeeded);

        var fresh = (await host.Get<UserManager<AppUser>>().FindByIdAsync(user.Id))!;
        Assert.True((await host.Get<SignInManager<AppUser>>().CheckPasswordSignInAsync(fresh, "Right-Passw0rd", true)).IsNotAllowed);
        // A new stamp ends the user's open sessions at their next revalidation.
        Assert.NotEqual(stampBefore, fresh.SecurityStamp);
    }

    [Fact]
    public async Task An_enabled_user_with_the_right_password_signs_in()
    {
        await using var host = await CoreTestHost.StartAsync();
        var (_, user) = await host.CreateTenantWithUserAsync("acme", "Right-Passw0rd");

        Assert.True((await host.Get<SignInManager<AppUser>>().CheckPasswordSignInAsync(user, "Right-Passw0rd", true)).Succeeded);
    }

    [Theory]
    [InlineData("zh-CN", "Sh0rt", "密码至少需要 10 个字符")]
    [InlineData("en-US", "Sh0rt", "at least 10 characters")]
    [InlineData("en-US", "alllowercase1", "uppercase letter")]
    [InlineData("zh-CN", "NoDigitsHereAtAll", "密码必须包含数字")]
    public async Task Password_rules_are_enforced_with_messages_in_the_users_language(string culture, string password, string message)
    {
        await using var host = await CoreTestHost.StartAsync();
        CultureInfo.CurrentUICulture = new CultureInfo(culture);

        var result = await host.Get<UserManager<AppUser>>().CreateAsync(
            new AppUser { UserName = "weak", TenantId = host.AdminTenantId, CreatedAt = DateTimeOffset.UtcNow }, password);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Description.Contains(message));
    }

    [Fact]
    public async Task Only_the_platform_admin_manages_tenants_and_users()
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        var admin = host.Get<TenantAdminService>();

        await Assert.ThrowsAsync<TenantAccessException>(() => admin.ListTenantsAsync(Ct));
        await Assert.ThrowsAsync<TenantAccessException>(() => admin.CreateTenantAsync("evil", null, Ct));
        await Assert.ThrowsAsync<TenantAccessException>(() => admin.ResetPasswordAsync(host.Admin.Id, Ct));
    }

    [Fact]
    public async Task A_new_user_gets_a_one_time_password_that_must_be_changed()
    {
        await using var host = await CoreTestHost.StartAsync();
        host.ActAsAdmin();
        var admin = host.Get<TenantAdminService>();
        var tenant = (await admin.CreateTenantAsync("acme", null, Ct)).Value!;

        var created = await admin.CreateUserAsync(tenant.Id, "alice", "", Ct);

        Assert.True(created.Succeeded, created.ErrorText);
        var alice = (await host.Get<UserManager<AppUser>>().FindByNameAsync("alice"))!;
        Assert.True(alice.MustChangePassword);
        Assert.Equal("alice", alice.DisplayName);
        Assert.True((await host.Get<SignInManager<AppUser>>().CheckPasswordSignInAsync(alice, created.Value!.Password, true)).Succeeded);

        host.Tenant.ActAs(tenant.Id, alice.Id);
        var accounts = host.Get<AccountService>();
        var wrong = await accounts.ChangePasswordAsync("not-it", "Alice-New-Passw0rd", Ct);
        Assert.Equal("CurrentPassword", Assert.Single(wrong.Errors).Field);
        Assert.True((await accounts.ChangePasswordAsync(created.Value.Password, "Alice-New-Passw0rd", Ct)).Succeeded);
        Assert.False((await host.Get<UserManager<AppUser>>().FindByIdAsync(alice.Id))!.MustChangePassword);
    }

    [Fact]
    public async Task Resetting_a_password_lifts_the_lockout_and_the_new_one_time_password_works()
    {
        await using var host = await CoreTestHost.StartAsync();
        var (_, user) = await host.CreateTenantWithUserAsync("acme", "Right-Passw0rd");
        var signIn = host.Get<SignInManager<AppUser>>();
        for (var i = 0; i < 5; i++)
            await signIn.CheckPasswordSignInAsync(user, "Wrong-Passw0rd", lockoutOnFailure: true);
        host.ActAsAdmin();

        var reset = await host.Get<TenantAdminService>().ResetPasswordAsync(user.Id, Ct);

        Assert.True(reset.Succeeded, reset.ErrorText);
        var fresh = (await host.Get<UserManager<AppUser>>().FindByIdAsync(user.Id))!;
        Assert.True((await signIn.CheckPasswordSignInAsync(fresh, reset.Value!.Password, true)).Succeeded);
        Assert.False((await signIn.CheckPasswordSignInAsync(fresh, "Right-Passw0rd", false)).Succeeded);
        Assert.True(fresh.MustChangePassword);
    }

    [Fact]
    public async Task The_admin_cannot_lock_themself_out()
    {
        await using var host = await CoreTestHost.StartAsync();
        host.ActAsAdmin();
        var admin = host.Get<TenantAdminService>();

        Assert.False((await admin.SetUserDisabledAsync(host.Admin.Id, true, Ct)).Succeeded);
        Assert.False((await admin.SetTenantDisabledAsync(host.AdminTenantId, true, Ct)).Succeeded);
        Assert.False((await admin.CreateTenantAsync("default", null, Ct)).Succeeded);
    }

    [Fact]
    public async Task First_run_without_a_configured_password_generates_one_that_must_be_changed()
    {
        await using var host = await CoreTestHost.StartAsync(new Dictionary<string, string?> { ["Admin:Password"] = "" });

        Assert.True(host.Admin.IsPlatformAdmin);
        Assert.True(host.Admin.MustChangePassword);
        Assert.Null(await host.Get<AdminBootstrapper>().EnsureAdminAsync(Ct));
        Assert.False((await host.Get<SignInManager<AppUser>>().CheckPasswordSignInAsync(host.Admin, CoreTestHost.AdminPassword, false)).Succeeded);
    }

    [Fact]
    public async Task First_run_with_a_configured_password_creates_a_ready_admin_in_the_default_tenant()
    {
        await using var host = await CoreTestHost.StartAsync();

        Assert.False(host.Admin.MustChangePassword);
        Assert.True((await host.Get<SignInManager<AppUser>>().CheckPasswordSignInAsync(host.Admin, CoreTestHost.AdminPassword, false)).Succeeded);
        host.ActAsAdmin();
        Assert.Contains(await host.Get<TenantAdminService>().ListTenantsAsync(Ct), t => t.Name == "default" && t.Id == host.AdminTenantId);
        Assert.Single(await host.Get<ProjectGroupService>().ListAsync(Ct));
    }

    [Fact]
    public async Task Secrets_are_encrypted_and_survive_a_restart_over_the_same_key_ring()
    {
        string protectedText;
        string dataDirectory;
        await using (var host = await CoreTestHost.StartAsync())
        {
            protectedText = host.Get<ISecretProtector>().Protect("s3-secret-key");
            dataDirectory = host.DataDirectory;
            Assert.DoesNotContain("s3-secret-key", protectedText);
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(dataDirectory, "keys")));

            // A second console over the same data directory (a restart) reads it; one with another key ring cannot.
            await using var restarted = await CoreTestHost.StartAsync(new Dictionary<string, string?> { ["Data:Directory"] = dataDirectory });
            Assert.Equal("s3-secret-key", restarted.Get<ISecretProtector>().Unprotect(protectedText));
            await using var stranger = await CoreTestHost.StartAsync();
            Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => stranger.Get<ISecretProtector>().Unprotect(protectedText));
        }
    }
}
