using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.StoragePools.ObjectStores;
using BackupConsole.Core.StoragePools.Repository;
using BackupConsole.Tests.TestBed;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;

namespace BackupConsole.Tests.Executors;

/// <summary>
/// For tests of data-directory backups (physical, incremental, snapshot): a private pool, the test bed's server with
/// its data directory, and servers started on restored directories, all stopped and removed at the end.
/// </summary>
internal sealed class RestoredServers : IAsyncDisposable
{
    private readonly List<int> _servers = [];

    public RestoredServers(MariaDbService db, string root)
    {
        Db = db;
        Root = root;
        var store = new LocalDiskObjectStore(root, "pool");
        store.EnsureBucketAsync(CancellationToken.None).GetAwaiter().GetResult();
        Repository = new BackupRepository(store, new RepositoryOptions(), TimeProvider.System);
    }

    public MariaDbService Db { get; }

    public string Root { get; }

    public BackupRepository Repository { get; }

    public MySqlEndpoint Source => new(Db.Host, Db.Port, Db.User, Db.Password, Db.DataDir);

    /// <summary>The source as the command line takes it.</summary>
    public string SourceUri => $"mysql://{Db.User}:{Uri.EscapeDataString(Db.Password)}@{Db.Host}:{Db.Port}?datadir={Db.DataDir}";

    public string SourceConnection => Db.ConnectionString().ConnectionString;

    /// <summary>Restores the set into a new directory, starts a server on it and returns that server's connection string.</summary>
    public async Task<string> RestoreAndStartAsync(BackupManifest manifest, CancellationToken ct)
    {
        var directory = Path.Combine(Root, "datadir-" + manifest.BackupId);
        await new MySqlDataDirectoryRestore(NullLogger<MySqlDataDirectoryRestore>.Instance).RestoreAsync(Repository, manifest, null, directory, null, ct);
        var port = FreePort();
        _servers.Add(await MariaDbServerProcess.StartAsync(directory, port, ct));
        return new MySqlConnectionStringBuilder(SourceConnection) { Port = (uint)port }.ConnectionString;
    }

    public static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await new MySqlCommand(sql, connection) { CommandTimeout = 300 }.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The last column of the first row (so CHECKSUM TABLE gives its checksum).</summary>
    public static async Task<string> ScalarAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var reader = await new MySqlCommand(sql, connection).ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return reader.GetValue(reader.FieldCount - 1).ToString()!;
    }

    public async Task<List<BackupManifest>> SetsAsync(CancellationToken ct)
    {
        var sets = new List<BackupManifest>();
        await foreach (var manifest in Repository.ListSetsAsync(ct))
            sets.Add(manifest);
        return sets;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var pid in _servers)
        {
            try
            {
                using var server = Process.GetProcessById(pid);
                server.Kill();
                await server.WaitForExitAsync();
            }
            catch (ArgumentException)
            {
                // The server already exited: nothing to stop.
            }
        }
        if (Directory.Exists(Root))
            Directory.Delete(Root, recursive: true);
    }
}
