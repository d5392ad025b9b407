using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.Runtime;
using Amazon.S3;
using MySqlConnector;
using StackExchange.Redis;

namespace BackupConsole.Tests.TestBed;

/// <summary>
/// The real servers scripts/test-services.sh started, read from .testbed/services.json. A test that needs one and
/// cannot reach it fails under CI=true and is skipped (with the reason) otherwise: it never passes silently.
/// </summary>
public static class TestServices
{
    private static readonly Lazy<Config?> Loaded = new(Load);

    public static string ChromiumPath => Loaded.Value?.Chromium ?? "/usr/bin/chromium";

    public static MariaDbService RequireMariaDb()
    {
        var service = Loaded.Value?.MariaDb;
        Require("MariaDB", service is null ? null : (service.Host, service.Port));
        return service!;
    }

    public static PostgresService RequirePostgres()
    {
        var service = Loaded.Value?.Postgres;
        Require("PostgreSQL", service is null ? null : (service.Host, service.Port));
        return service!;
    }

    public static RedisService RequireRedis()
    {
        var service = Loaded.Value?.Redis;
        Require("Redis", service is null ? null : (service.Host, service.Port));
        return service!;
    }

    public static S3Service RequireS3()
    {
        var service = Loaded.Value?.S3;
        Require("S3 (s3rver)", service is null ? null : (new Uri(service.ServiceUrl).Host, new Uri(service.ServiceUrl).Port));
        return service!;
    }

    public static void RequireChromium()
    {
        if (!File.Exists(ChromiumPath))
            Unavailable($"chromium is not installed at {ChromiumPath}");
    }

    /// <summary>Debian's aiosmtpd (python3-aiosmtpd, installed by scripts/test-services.sh): a real SMTP server for e-mail alert tests.</summary>
    public static void RequireAiosmtpd()
    {
        if (!Directory.Exists("/usr/lib/python3/dist-packages/aiosmtpd"))
            Unavailable("aiosmtpd (python3-aiosmtpd) is not installed");
    }

    private static void Require(string name, (string Host, int Port)? endpoint)
    {
        if (endpoint is not { } e)
        {
            Unavailable($"{name} is not configured in {PathOfConfig() ?? ".testbed/services.json (missing)"}");
            return;
        }
        try
        {
            using var client = new TcpClient();
            if (!client.ConnectAsync(e.Host, e.Port).Wait(TimeSpan.FromSeconds(2)))
                Unavailable($"{name} at {e.Host}:{e.Port} does not answer");
        }
        catch (AggregateException ex)
        {
            Unavailable($"{name} at {e.Host}:{e.Port} refused the connection: {ex.InnerException?.Message}");
        }
    }

    /// <summary>A small tmpfs of the test's own (needs root, as the test bed's script does): a disk that fills up.</summary>
    public static async Task<string> MountSmallDiskAsync(int megabytes, CancellationToken ct)
    {
        var directory = Path.Combine(Path.GetTempPath(), "bc-disk-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var start = new System.Diagnostics.ProcessStartInfo("mount") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in new[] { "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0755", "tmpfs", directory })
            start.ArgumentList.Add(argument);
        using var mount = System.Diagnostics.Process.Start(start)!;
        var error = await mount.StandardError.ReadToEndAsync(ct);
        await mount.WaitForExitAsync(ct);
        if (mount.ExitCode != 0)
        {
            Directory.Delete(directory);
            Unavailable($"a tmpfs could not be mounted ({error.Trim()}); the disk-full tests run as root");
        }
        return directory;
    }

    public static async Task UnmountAsync(string directory)
    {
        using var umount = System.Diagnostics.Process.Start("umount", [directory]);
        await umount.WaitForExitAsync();
        if (umount.ExitCode == 0)
            Directory.Delete(directory, recursive: true);
    }

    private static void Unavailable(string reason)
    {
        var message = $"{reason}. Start the test servers with `scripts/test-services.sh start` (./test.sh does it).";
        if (Environment.GetEnvironmentVariable("CI") == "true")
            Assert.Fail(message);
        Assert.Skip(message);
    }

    private static string? PathOfConfig()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("BACKUPCONSOLE_TESTBED");
        if (!string.IsNullOrEmpty(fromEnvironment))
            return fromEnvironment;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".testbed", "services.json");
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    private static Config? Load()
    {
        var path = PathOfConfig();
        if (path is null || !File.Exists(path))
            return null;
        return JsonSerializer.Deserialize<Config>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web));
    }

    private sealed record Config(
        [property: JsonPropertyName("mariadb")] MariaDbService? MariaDb,
        RedisService? Redis,
        S3Service? S3,
        PostgresService? Postgres,
        string? Chromium);
}

/// <summary>The test bed's MariaDB: a <c>backup</c> user with every privilege, binary log on, local_infile on.</summary>
public sealed record MariaDbService(string Host, int Port, string User, string Password, string RootPassword, string Socket, string DataDir, string Binary)
{
    public MySqlConnectionStringBuilder ConnectionString(string? database = null) => new()
    {
        Server = Host,
        Port = (uint)Port,
        UserID = User,
        Password = Password,
        Database = database ?? "",
        AllowLoadLocalInfile = true,
    };
}

/// <summary>The test bed's PostgreSQL: the <c>postgres</c> superuser with a password, on loopback.</summary>
public sealed record PostgresService(string Host, int Port, string User, string Password)
{
    public string ConnectionString(string database = "postgres") =>
        new Npgsql.NpgsqlConnectionStringBuilder { Host = Host, Port = Port, Username = User, Password = Password, Database = database }.ConnectionString;
}

/// <summary>The test bed's Redis, with a password.</summary>
public sealed record RedisService(string Host, int Port, string Password)
{
    public ConfigurationOptions Options()
    {
        var options = new ConfigurationOptions { Password = Password, AllowAdmin = true, AbortOnConnectFail = true };
        options.EndPoints.Add(Host, Port);
        return options;
    }
}

/// <summary>The test bed's s3rver: path-style, fixed credentials.</summary>
public sealed record S3Service(string ServiceUrl, string AccessKey, string SecretKey, string DataDir, string Script)
{
    public AmazonS3Client Client() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = ServiceUrl,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });
}
