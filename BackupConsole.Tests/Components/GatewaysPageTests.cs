using BackupConsole.Components.Pages.Gateways;
using BackupConsole.Core.Gateways;
using BackupConsole.Core.Tags;
using BackupConsole.Tests.Support;
using Bunit;

namespace BackupConsole.Tests.Components;

/// <summary>The 备份网关 tab (R-GW-1…6) rendered with bUnit over Core's real services.</summary>
public sealed class GatewaysPageTests
{
    private static Task<(CoreTestHost Core, BunitContext Ctx)> StartAsync() => ComponentTestContext.ForTenantUserAsync(CoreTestHost.StartAsync());

    private static async Task<GatewayView> CreateGatewayAsync(CoreTestHost core)
    {
        var result = await core.Get<GatewayService>().CreateAsync(new GatewayInput("edge", "203.0.113.10", 100, null, [new Tag("env", "prod")]));
        Assert.True(result.Succeeded, result.ErrorText);
        return result.Value!;
    }

    [Fact]
    public async Task List_shows_every_column_the_guide_names()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx) = await StartAsync();
        await using var _ = core;
        await using var __ = ctx;
        var gateway = await CreateGatewayAsync(core);

        var page = ctx.RenderWithProviders<GatewaysPage>();

        var headers = page.WaitForElements("[data-testid=gateways-table] th").Select(h => h.TextContent.Trim()).ToList();
        Assert.Equal(["名称", "资源ID", "状态", "IP地址/网段", "带宽", "项目组", "标签", "操作"], headers);
        var row = page.Find("[data-testid=gateways-table] tbody tr").TextContent;
        Assert.Contains("edge", row);
        Assert.Contains(gateway.Id, row);
        Assert.Contains("运行中", row);
        Assert.Contains("203.0.113.10/32", row);
        Assert.Contains("100 Mbps", row);
        Assert.Contains("默认项目组", row);
        Assert.Contains("env=prod", row);
        Assert.Contains("未配置在本机网卡上", page.Find("[data-testid=gateway-binding]").TextContent);
    }

    [Fact]
    public async Task Create_button_is_disabled_once_the_tenant_has_its_gateway()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx) = await StartAsync();
        await using var _ = core;
        await using var __ = ctx;

        var page = ctx.RenderWithProviders<GatewaysPage>();
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=create-gateway]").HasAttribute("disabled")));
        Assert.NotNull(page.Find("[data-testid=no-gateway]"));
        await ctx.DisposeComponentsAsync();

        await CreateGatewayAsync(core);
        var reloaded = ctx.RenderWithProviders<GatewaysPage>();
        reloaded.WaitForAssertion(() => Assert.True(reloaded.Find("[data-testid=create-gateway]").HasAttribute("disabled")));
    }

    [Theory]
    [InlineData("zh-CN", "外网 IP 格式不正确", "带宽须为 1–10000 Mbps")]
    [InlineData("en-US", "The public IP is malformed", "The bandwidth must be a whole number from 1 to 10000 Mbps")]
    public async Task Create_dialog_shows_validation_messages_in_the_users_language(string culture, string ipMessage, string bandwidthMessage)
    {
        ComponentTestContext.UseCulture(culture);
        var (core, ctx) = await StartAsync();
        await using var _ = core;
        await using var __ = ctx;
        var page = ctx.RenderWithProviders<GatewaysPage>();

        page.WaitForElement("[data-testid=create-gateway]").Click();
        page.WaitForElement("input[data-testid=gateway-name]").Change("edge");
        page.Find("input[data-testid=gateway-public-ip]").Change("1.2.3");
        page.Find("input[data-testid=gateway-bandwidth-input]").Change("0");
        page.Find("[data-testid=create-gateway-submit]").Click();

        page.WaitForAssertion(() =>
        {
            var dialog = page.Find("[data-testid=create-gateway-dialog]").TextContent;
            Assert.Contains(ipMessage, dialog);
            Assert.Contains(bandwidthMessage, dialog);
        });
        Assert.Empty(await core.Get<GatewayService>().ListAsync(Xunit.TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Create_dialog_creates_the_gateway_and_the_list_shows_it()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx) = await StartAsync();
        await using var _ = core;
        await using var __ = ctx;
        var page = ctx.RenderWithProviders<GatewaysPage>();

        page.WaitForElement("[data-testid=create-gateway]").Click();
        page.WaitForElement("input[data-testid=gateway-name]").Change("edge");
        page.Find("input[data-testid=gateway-public-ip]").Change("2001:db8::10");
        page.Find("input[data-testid=gateway-bandwidth-input]").Change("250");
        page.Find("[data-testid=create-gateway-submit]").Click();

        page.WaitForAssertion(() => Assert.Contains("2001:db8::10/128", page.Find("[data-testid=gateway-ip]").TextContent));
        Assert.Contains("250 Mbps", page.Find("[data-testid=gateway-bandwidth]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=create-gateway-dialog]"));
    }

    [Fact]
    public async Task Adjust_bandwidth_dialog_refuses_out_of_range_and_applies_a_valid_value()
    {
        ComponentTestContext.UseCulture("en-US");
        var (core, ctx) = await StartAsync();
        await using var _ = core;
        await using var __ = ctx;
        await CreateGatewayAsync(core);
        var page = ctx.RenderWithProviders<GatewaysPage>();

        page.WaitForElement("[data-testid=adjust-bandwidth]").Click();
        page.WaitForElement("[data-testid=adjust-bandwidth-dialog] input[data-testid=gateway-bandwidth-input]").Change("10001");
        page.Find("[data-testid=adjust-bandwidth-submit]").Click();
        page.WaitForAssertion(() => Assert.Contains("from 1 to 10000 Mbps", page.Find("[data-testid=adjust-bandwidth-dialog]").TextContent));

        page.Find("[data-testid=adjust-bandwidth-dialog] input[data-testid=gateway-bandwidth-input]").Change("200");
        page.Find("[data-testid=adjust-bandwidth-submit]").Click();
        page.WaitForAssertion(() => Assert.Contains("200 Mbps", page.Find("[data-testid=gateway-bandwidth]").TextContent));
    }

    [Theory]
    [InlineData("zh-CN", "外网 IP 不能是环回地址")]
    [InlineData("en-US", "cannot be a loopback address")]
    public async Task Change_ip_dialog_refuses_loopback_and_accepts_ipv6(string culture, string loopbackMessage)
    {
        ComponentTestContext.UseCulture(culture);
        var (core, ctx) = await StartAsync();
        await using var _ = core;
        await using var __ = ctx;
        await CreateGatewayAsync(core);
        var page = ctx.RenderWithProviders<GatewaysPage>();

        page.WaitForElement("[data-testid=change-ip]").Click();
        page.WaitForElement("input[data-testid=new-public-ip]").Change("::1");
        page.Find("[data-testid=change-ip-submit]").Click();
        page.WaitForAssertion(() => Assert.Contains(loopbackMessage, page.Find("[data-testid=change-ip-dialog]").TextContent));

        page.Find("input[data-testid=new-public-ip]").Change("2001:db8::20");
        page.Find("[data-testid=change-ip-submit]").Click();
        page.WaitForAssertion(() => Assert.Contains("2001:db8::20/128", page.Find("[data-testid=gateway-ip]").TextContent));
    }

    [Fact]
    public async Task Delete_asks_for_confirmation_then_removes_the_gateway()
    {
        ComponentTestContext.UseCulture("zh-CN");
        var (core, ctx) = await StartAsync();
        await using var _ = core;
        await using var __ = ctx;
        await CreateGatewayAsync(core);
        var page = ctx.RenderWithProviders<GatewaysPage>();

        page.WaitForElement("[data-testid=delete-gateway]").Click();
        var confirm = page.WaitForElement(".mud-message-box");
        Assert.Contains("确定删除备份网关“edge”吗", confirm.TextContent);
        page.FindAll(".mud-message-box button").Single(b => b.TextContent.Trim() == "删除").Click();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=no-gateway]")));
        Assert.Empty(await core.Get<GatewayService>().ListAsync(Xunit.TestContext.Current.CancellationToken));
    }
}
