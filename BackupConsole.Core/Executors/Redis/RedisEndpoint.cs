using StackExchange.Redis;

namespace BackupConsole.Core.Executors.Redis;

/// <summary>
/// A Redis server to back up from or restore into: <c>redis://[USER:]PASSWORD@HOST:PORT[/DB]</c> (<c>redis://:PASSWORD@…</c>
/// for the default user, an ACL user by name). Without a DB every logical database is taken. A password left out of
/// the URI is read from <see cref="PasswordVariable"/>.
/// </summary>
public sealed record RedisEndpoint(string Host, int Port, string? User, string? Password, int? Database)
{
    public const string PasswordVariable = "BACKUPCONSOLE_REDIS_PASSWORD";

    public static RedisEndpoint Parse(string uri, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme != "redis" || parsed.Host.Length == 0)
            throw new FormatException("A Redis source is redis://[USER:]PASSWORD@HOST:PORT[/DB].");
        string? user = null, password = null;
        if (parsed.UserInfo.Length > 0)
        {
            var parts = parsed.UserInfo.Split(':', 2);
            user = parts.Length == 2 && parts[0].Length > 0 ? Uri.UnescapeDataString(parts[0]) : null;
            password = Uri.UnescapeDataString(parts.Length == 2 ? parts[1] : parts[0]);
        }
        password ??= environment(PasswordVariable);
        int? database = null;
        var path = parsed.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            if (!int.TryParse(path, System.Globalization.NumberStyles.None, null, out var db) || db > 10_000)
                throw new FormatException($"'{path}' is not a Redis database number.");
            database = db;
        }
        return new RedisEndpoint(parsed.Host, parsed.IsDefaultPort || parsed.Port < 0 ? 6379 : parsed.Port, user,
            string.IsNullOrEmpty(password) ? null : password, database);
    }

    /// <summary>Host, port and database only: what manifests and messages may show.</summary>
    /// <summary>The server's own address when <see cref="Host"/> and <see cref="Port"/> are a local relay to it (a gateway).</summary>
    public string? RealAddress { get; init; }

    public string Description => (RealAddress ?? $"{Host}:{Port}") + (Database is { } db ? $"/{db}" : "");

    public async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken ct)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { Host, Port } },
            User = User,
            Password = Password,
            AbortOnConnectFail = true,
            ConnectRetry = 1,
            ConnectTimeout = 10_000,
            // A single DUMP or RESTORE of a large value can take a while; the server decides what is too slow.
            SyncTimeout = 120_000,
            AsyncTimeout = 120_000,
            AllowAdmin = true,
            ClientName = "BackupConsole",
        };
        try
        {
            return await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(ct);
        }
        catch (RedisConnectionException ex)
        {
            var reason = ex.FailureType == ConnectionFailureType.AuthenticationFailure
                ? "authentication failed (wrong user or password)"
                : ex.Message.Split('\n')[0];
            throw new BackupException($"Cannot connect to Redis at {Description}: {reason}.", ex);
        }
    }
}
