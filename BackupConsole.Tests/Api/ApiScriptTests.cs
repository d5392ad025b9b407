using System.Diagnostics;
using BackupConsole.Core.ApiTokens;
using BackupConsole.Tests.Support;

namespace BackupConsole.Tests.Api;

/// <summary>#10's "done when": scripts/api-backup-restore.sh drives a whole backup and restore through the REST API with one token.</summary>
public sealed class ApiScriptTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_script_backs_up_and_restores_a_directory_through_the_api_and_the_files_come_back()
    {
        await using var host = ApiHost.Start(listen: true);
        var acme = await host.CreateTenantAsync("acme");
        var token = await host.CreateTokenAsync(acme, ApiTokenScope.ReadWrite, "script");
        var source = Directory.CreateTempSubdirectory("bc-api-script-").FullName;
        Directory.CreateDirectory(Path.Combine(source, "sub dir"));
        await File.WriteAllTextAsync(Path.Combine(source, "sub dir", "名前.txt"), "restored through the API", Ct);
        await File.WriteAllBytesAsync(Path.Combine(source, "blob.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(300_000), Ct);
        var target = Path.Combine(host.DataDirectory, "restores", "from-api");

        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(RepositoryPaths.Root, "scripts", "api-backup-restore.sh"), host.BaseAddress.ToString().TrimEnd('/'), source, target })
            start.ArgumentList.Add(argument);
        start.Environment["BACKUPCONSOLE_TOKEN"] = token;
        using var script = Process.Start(start)!;
        var stdout = script.StandardOutput.ReadToEndAsync(Ct);
        var stderr = script.StandardError.ReadToEndAsync(Ct);
        await script.WaitForExitAsync(Ct);
        var output = await stdout + await stderr;

        Assert.True(script.ExitCode == 0, output);
        Assert.Matches(@"restore\s+dbsrst-\w+ Succeeded", output);
        Assert.Equal("restored through the API", await File.ReadAllTextAsync(Path.Combine(target, "sub dir", "名前.txt"), Ct));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(source, "blob.bin"), Ct), await File.ReadAllBytesAsync(Path.Combine(target, "blob.bin"), Ct));
        Assert.DoesNotContain(token, output);
        Directory.Delete(source, recursive: true);
    }
}
