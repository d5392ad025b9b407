using BackupConsole.Core.Data;
using BackupConsole.Core.Instances;
using BackupConsole.Tests.Support;
using BackupConsole.Tests.TestBed;
using Microsoft.EntityFrameworkCore;

namespace BackupConsole.Tests.Instances;

/// <summary>Registering data sources (实例): validation, secrets kept encrypted, connection tests, what each can back up here.</summary>
[Trait(CoreTestHost.SuiteTrait, CoreTestHost.CoreSuite)]
public sealed class InstanceServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Secrets_are_stored_encrypted_never_shown_back_and_kept_when_an_update_leaves_them_empty()
    {
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        var instances = host.Get<InstanceService>();

        var created = await instances.CreateAsync(new InstanceInput("db", InstanceKind.MySql, Host: "db.internal", UserName: "backup", Secret: "s3cret-Pa55"), Ct);
        var updated = await instances.UpdateAsync(created.Value!.Id, new InstanceInput("db renamed", InstanceKind.MySql, Host: "db.internal", UserName: "backup"), Ct);

        await using var db = host.Get<TenantDbFactory>().ForTenant(host.Tenant.TenantId!);
        var stored = await db.Instances.AsNoTracking().SingleAsync(Ct);
        Assert.True(updated.Succeeded, updated.ErrorText);
        Assert.DoesNotContain("s3cret-Pa55", stored.ProtectedSecret);
        Assert.Equal("s3cret-Pa55", host.Get<InstanceConnections>().MySql(stored).Password);
        Assert.True(updated.Value!.HasSecret);
        Assert.Equal(("db renamed", "db.internal:3306"), (updated.Value.Name, updated.Value.Address));
        Assert.DoesNotContain("s3cret", System.Text.Json.JsonSerializer.Serialize(updated.Value));
    }

    [Theory]
    [InlineData("db;rm -rf /")]
    [InlineData("$(reboot)")]
    [InlineData("host name")]
    [InlineData("")]
    public async Task Hosts_that_are_not_names_or_addresses_are_refused(string host)
    {
        await using var test = await CoreTestHost.StartAsync();
        await test.CreateTenantWithUserAsync("acme");

        var result = await test.Get<InstanceService>().CreateAsync(new InstanceInput("db", InstanceKind.MySql, Host: host, Port: 70000, UserName: "u"), Ct);

        Assert.Equal(["Host", "Port"], result.Errors.Select(e => e.Field).Order());
        Assert.Empty(await test.Get<InstanceService>().ListAsync(null, Ct));
    }

    [Fact]
    public async Task A_mysql_instance_says_which_backup_types_it_supports_here_and_why_not()
    {
        var mariadb = TestServices.RequireMariaDb();
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        var instances = host.Get<InstanceService>();

        var remote = (await instances.CreateAsync(new InstanceInput("remote", InstanceKind.MySql, Host: mariadb.Host, Port: mariadb.Port, UserName: mariadb.User, Secret: mariadb.Password), Ct)).Value!;
        var local = (await instances.CreateAsync(new InstanceInput("local", InstanceKind.MySql, Host: mariadb.Host, Port: mariadb.Port, UserName: mariadb.User,
            Secret: mariadb.Password, DataDirectory: mariadb.DataDir), Ct)).Value!;

        Assert.Equal(["logical"], remote.BackupTypes.Where(t => t.Supported).Select(t => t.Type));
        Assert.All(remote.BackupTypes.Where(t => !t.Supported), t => Assert.Contains("数据目录", t.Reason));
        Assert.Equal(["logical", "physical", "snapshot", "incremental"], local.BackupTypes.Where(t => t.Supported).Select(t => t.Type));
    }

    [Fact]
    public async Task The_connection_test_reports_success_and_the_servers_own_refusal_without_saving()
    {
        var mariadb = TestServices.RequireMariaDb();
        await using var host = await CoreTestHost.StartAsync();
        await host.CreateTenantWithUserAsync("acme");
        var instances = host.Get<InstanceService>();
        var input = new InstanceInput("db", InstanceKind.MySql, Host: mariadb.Host, Port: mariadb.Port, UserName: mariadb.User, Secret: mariadb.Password);

        var ok = await instances.TestConnectionAsync(input, ct: Ct);
        var wrong = await instances.TestConnectionAsync(input with { Secret = "wrong-one" }, ct: Ct);
        var closed = await instances.TestConnectionAsync(input with { Port = 1 }, ct: Ct);

        Assert.True(ok.Succeeded, ok.ErrorText);
        Assert.Contains("Access denied", wrong.ErrorText);
        Assert.DoesNotContain("wrong-one", wrong.ErrorText);
        Assert.StartsWith("连接失败", closed.ErrorText);
        Assert.Empty(await instances.ListAsync(null, Ct));
    }
}
