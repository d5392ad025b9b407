using MySqlConnector;

namespace BackupConsole.Core.Executors.MySql;

/// <summary>
/// A MySQL/MariaDB server to back up from or restore into: <c>mysql://USER:PASSWORD@HOST:PORT[?datadir=/path]</c>.
/// A password left out of the URI is read from <see cref="PasswordVariable"/>.
/// </summary>
public sealed record MySqlEndpoint(string Host, int Port, string User, string Password, string? DataDirectory)
{
    public const string PasswordVariable = "BACKUPCONSOLE_MYSQL_PASSWORD";

    public static MySqlEndpoint Parse(string uri, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme != "mysql" || parsed.Host.Length == 0)
            throw new FormatException("A MySQL source is mysql://USER:PASSWORD@HOST:PORT[?datadir=/path].");
        var userInfo = parsed.UserInfo.Split(':', 2);
        var user = Uri.UnescapeDataString(userInfo[0]);
        if (user.Length == 0)
            throw new FormatException("A MySQL URI names its user: mysql://USER:PASSWORD@HOST:PORT.");
        var password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : environment(PasswordVariable) ?? "";
        var dataDirectory = System.Web.HttpUtility.ParseQueryString(parsed.Query)["datadir"];
        return new MySqlEndpoint(parsed.Host, parsed.IsDefaultPort || parsed.Port < 0 ? 3306 : parsed.Port, user, password,
            string.IsNullOrEmpty(dataDirectory) ? null : Path.TrimEndingDirectorySeparator(dataDirectory));
    }

    /// <summary>The server's own address when <see cref="Host"/> and <see cref="Port"/> are a local relay to it (a gateway).</summary>
    public string? RealAddress { get; init; }

    /// <summary>Host and port only: what manifests and messages may show.</summary>
    public string Description => RealAddress ?? $"{Host}:{Port}";

    public string ConnectionString(string? database = null) => new MySqlConnectionStringBuilder
    {
        Server = Host,
        Port = (uint)Port,
        UserID = User,
        Password = Password,
        Database = database ?? "",
        AllowLoadLocalInfile = true,
        AllowUserVariables = true,
        // Dumps run as long as the data is large; the server, not the client, decides when a statement is too slow.
        DefaultCommandTimeout = 0,
        CharacterSet = "utf8mb4",
        // A backup's connection holds a snapshot transaction and metadata locks; when it closes it must really close,
        // not sit in a pool keeping those locks and blocking DDL on the source after a failed run.
        Pooling = false,
    }.ConnectionString;
}
