using BackupConsole.Components.Layout;
using BackupConsole.Components.Pages.Alerts;
using BackupConsole.Components.Shared;
using BackupConsole.Core.Identity;
using BackupConsole.Tests.Support;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using MudBlazor;

namespace BackupConsole.Tests.Components;

/// <summary>The app shell of issue #2: navigation, top bar and language switch, rendered with bUnit.</summary>
public sealed class ShellTests
{
    private static readonly string[] ChineseAreas = ["概览", "备份服务", "备份网关", "存储池", "数据库备份", "备份计划", "实例", "告警", "事件"];
    private static readonly string[] EnglishAreas = ["Overview", "Backup Service", "Backup Gateways", "Storage Pools", "Database Backup", "Backup Plans", "Instances", "Alerts", "Events"];

    [Fact]
    public async Task Navigation_lists_every_area_of_the_guide_in_Chinese_by_default()
    {
        await using var ctx = ComponentTestContext.Create();
        ctx.SignIn("alice", "acme");

        var nav = ctx.Render<NavMenu>();

        foreach (var area in ChineseAreas)
            Assert.Contains(area, nav.Markup);
        Assert.DoesNotContain("租户与用户", nav.Markup);
    }

    [Fact]
    public async Task Navigation_is_complete_in_English()
    {
        await using var ctx = ComponentTestContext.Create(culture: "en-US");
        ctx.SignIn("alice", "acme", platformAdmin: true);

        var nav = ctx.Render<NavMenu>();

        foreach (var area in EnglishAreas.Append("Tenants & Users"))
            Assert.Contains(area, nav.Find("[data-testid=nav]").TextContent);
        Assert.DoesNotContain("备份", nav.Markup);
    }

    [Fact]
    public async Task Tenants_and_users_is_shown_only_to_the_platform_admin()
    {
        await using var ctx = ComponentTestContext.Create();
        ctx.SignIn("admin", "default", platformAdmin: true);

        var nav = ctx.Render<NavMenu>();

        var link = nav.FindAll("a").Single(a => a.TextContent.Contains("租户与用户"));
        Assert.EndsWith("admin/tenants", link.GetAttribute("href"));
    }

    [Fact]
    public async Task Top_bar_shows_tenant_user_language_switch_and_sign_out()
    {
        await using var core = await CoreTestHost.StartAsync();
        core.ActAsAdmin();
        await using var ctx = ComponentTestContext.Create(core);
        ctx.SignIn("alice", "acme");

        var layout = ctx.Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page body"))));

        Assert.Contains("acme", layout.Find("[data-testid=tenant]").TextContent);
        Assert.Contains("alice", layout.Find("[data-testid=user]").TextContent);
        Assert.Contains("page body", layout.Markup);
        var signOut = layout.Find("form[action='Account/Logout']");
        Assert.Contains("退出登录", signOut.TextContent);
        Assert.NotNull(layout.Find("[data-testid=language-menu]"));
    }

    [Fact]
    public async Task Language_switch_remembers_the_choice_and_reloads_through_the_culture_endpoint()
    {
        await using var core = await CoreTestHost.StartAsync();
        core.ActAsAdmin();
        await using var ctx = ComponentTestContext.Create(core);
        ctx.SignIn("admin", "default");
        var navigation = ctx.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("backup-service/pools");

        var cut = ctx.Render(b =>
        {
            b.OpenComponent<MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<TopBar>(1);
            b.CloseComponent();
        });
        cut.Find("[data-testid=language-menu] button").Click();
        cut.WaitForElement("[data-testid=lang-en]").Click();

        cut.WaitForAssertion(() =>
            Assert.EndsWith("culture/set?culture=en-US&redirectUri=%2Fbackup-service%2Fpools", navigation.Uri));
        var admin = await core.Get<UserManager<AppUser>>().FindByIdAsync(core.Admin.Id);
        Assert.Equal("en-US", admin!.PreferredCulture);
    }

    [Fact]
    public async Task A_signed_out_visitor_is_sent_to_sign_in_with_the_page_to_return_to()
    {
        await using var ctx = ComponentTestContext.Create();
        ctx.AddAuthorization().SetNotAuthorized();
        var navigation = ctx.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("plans");

        ctx.Render<NotAuthorizedRedirect>();

        Assert.EndsWith("Account/Login?ReturnUrl=plans", navigation.Uri);
    }

    [Fact]
    public async Task A_user_with_a_one_time_password_is_sent_to_change_it()
    {
        await using var ctx = ComponentTestContext.Create();
        ctx.SignIn("bob", "acme").SetClaims(new System.Security.Claims.Claim(AppClaims.MustChangePassword, "true"));
        var navigation = ctx.Services.GetRequiredService<NavigationManager>();

        ctx.Render<NotAuthorizedRedirect>();

        Assert.EndsWith("Account/ChangePassword", navigation.Uri);
    }

    [Fact]
    public async Task A_signed_in_user_without_the_right_is_told_so()
    {
        await using var ctx = ComponentTestContext.Create(culture: "en-US");
        ctx.SignIn("bob", "acme");

        var cut = ctx.Render<NotAuthorizedRedirect>();

        Assert.Contains("You do not have permission", cut.Markup);
    }
}
