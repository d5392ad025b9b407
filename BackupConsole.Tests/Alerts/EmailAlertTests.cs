using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BackupConsole.Core.Alerts;
using BackupConsole.Tests.Support;
using BackupConsole.Tests.TestBed;

namespace BackupConsole.Tests.Alerts;

/// <summary>R-MON-2's e-mail channel through a real SMTP server (aiosmtpd writing to a Maildir), sent with MailKit.</summary>
[Trait(CoreTestHost.SuiteTrait, CoreTestHost.CoreSuite)]
public sealed class EmailAlertTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_email_channel_delivers_a_notice_through_the_operators_smtp_server()
    {
        TestServices.RequireAiosmtpd();
        var port = FreePort();
        var maildir = Path.Combine(Path.GetTempPath(), "bc-mail-" + Guid.NewGuid().ToString("N")[..8]);
        var start = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", maildir })
            start.ArgumentList.Add(argument);
        using var smtp = Process.Start(start)!;
        try
        {
            await WaitForPortAsync(port);
            await using var host = await CoreTestHost.StartAsync(new Dictionary<string, string?>
            {
                ["Alerts:Smtp:Host"] = "127.0.0.1", ["Alerts:Smtp:Port"] = port.ToString(), ["Alerts:Smtp:Security"] = "None",
                ["Alerts:Smtp:From"] = "backupconsole@example.com",
            });
            await host.CreateTenantWithUserAsync("acme");
            var alerts = host.Get<AlertService>();

            var badAddress = await alerts.CreateChannelAsync(new ChannelInput("mail", ChannelKind.Email, Recipients: "not an address"), Ct);
            var channel = await alerts.CreateChannelAsync(new ChannelInput("mail", ChannelKind.Email, Recipients: "ops@example.com, dba@example.com"), Ct);
            var sent = await alerts.TestChannelAsync(channel.Value!, Ct);

            Assert.Equal("Recipients", badAddress.Errors.Single().Field);
            Assert.True(sent.Succeeded, sent.ErrorText);
            var message = await File.ReadAllTextAsync(Directory.GetFiles(Path.Combine(maildir, "new")).Single(), Ct);
            Assert.Contains("Subject: [BackupConsole] FIRING", message);
            Assert.Contains("ops@example.com", message);
            Assert.Contains("dba@example.com", message);
            Assert.Contains("From: backupconsole@example.com", message);
        }
        finally
        {
            smtp.Kill();
            await smtp.WaitForExitAsync(CancellationToken.None);
            if (Directory.Exists(maildir))
                Directory.Delete(maildir, recursive: true);
        }
    }

    private static async Task WaitForPortAsync(int port)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, Ct);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, Ct);
            }
        }
        Assert.Fail($"aiosmtpd did not listen on {port} within 10 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
