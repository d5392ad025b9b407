using Npgsql;

namespace BackupConsole.Tests.Support;

/// <summary>A throwaway database on the test bed's PostgreSQL for the console's metadata .</summary>
internal static class PostgresMetadata
{
    /// <summary>Creates an empty database; returns its name and the connection string the console takes.</summary>
    public static (string Name, string ConnectionString) Create(string prefix = "bc_meta_")
    {
        var postgres = TestBed.TestServices.RequirePostgres();
        var name = prefix + Guid.NewGuid().ToString("N")[..12];
        using (var admin = new NpgsqlConnection(postgres.ConnectionString()))
        {
            admin.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" ENCODING 'UTF8'", admin);
            create.ExecuteNonQuery();
        }
        return (name, postgres.ConnectionString(name));
    }

    public static async Task DropAsync(string name)
    {
        var postgres = TestBed.TestServices.RequirePostgres();
        // The console's pooled connections to it would block the drop.
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(postgres.ConnectionString());
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
