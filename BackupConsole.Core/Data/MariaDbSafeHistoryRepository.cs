using System.Data.Common;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;

namespace BackupConsole.Core.Data;

/// <summary>
/// The migration history for MySQL and MariaDB, in place of the MySQL provider's own (which is internal, so it
/// cannot be adjusted). The provider takes its migration lock with <c>GET_LOCK(name, -1)</c>: MySQL reads a
/// negative timeout as "wait forever", MariaDB answers NULL and every migration fails. Here the wait is bounded
/// (an hour: several nodes starting together take turns), and a refusal says what was waited for.
/// </summary>
internal sealed class MariaDbSafeHistoryRepository(HistoryRepositoryDependencies dependencies) : HistoryRepository(dependencies)
{
    private const string LockName = "__EFMigrationsLock";
    private const int LockWaitSeconds = 3600;

    public override IMigrationsDatabaseLock AcquireDatabaseLock()
    {
        var connection = Dependencies.Connection;
        connection.Open();
        using (var command = Command(connection, $"SELECT GET_LOCK('{LockName}', {LockWaitSeconds})"))
            Check(command.ExecuteScalar());
        return new Lock(this, connection);
    }

    public override async Task<IMigrationsDatabaseLock> AcquireDatabaseLockAsync(CancellationToken cancellationToken = default)
    {
        var connection = Dependencies.Connection;
        await connection.OpenAsync(cancellationToken);
        await using (var command = Command(connection, $"SELECT GET_LOCK('{LockName}', {LockWaitSeconds})"))
            Check(await command.ExecuteScalarAsync(cancellationToken));
        return new Lock(this, connection);
    }

    public override LockReleaseBehavior LockReleaseBehavior => LockReleaseBehavior.Connection;

    protected override string ExistsSql =>
        "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = "
        + Dependencies.TypeMappingSource.GetMapping(typeof(string)).GenerateSqlLiteral(TableName) + ";";

    protected override bool InterpretExistsResult(object? value) => value is not null and not DBNull;

    public override string GetCreateIfNotExistsScript() =>
        GetCreateScript().Replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", StringComparison.Ordinal);

    // Idempotent SQL scripts (dotnet ef migrations script --idempotent) are not offered for MySQL: the console
    // applies its migrations itself at start.
    public override string GetBeginIfNotExistsScript(string migrationId) => throw NotScripted();

    public override string GetBeginIfExistsScript(string migrationId) => throw NotScripted();

    public override string GetEndIfScript() => throw NotScripted();

    private static NotSupportedException NotScripted() =>
        new("Idempotent migration scripts are not generated for MySQL; the console migrates its database when it starts.");

    private static DbCommand Command(IRelationalConnection connection, string sql)
    {
        var command = connection.DbConnection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = connection.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    private static void Check(object? result)
    {
        if (result is null or DBNull || Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture) != 1)
            throw new InvalidOperationException(
                $"Could not take the migration lock '{LockName}' within {LockWaitSeconds} s: another console node may be applying migrations.");
    }

    /// <summary>GET_LOCK belongs to the session: released explicitly, and by the server if the connection drops.</summary>
    private sealed class Lock(MariaDbSafeHistoryRepository repository, IRelationalConnection connection) : IMigrationsDatabaseLock
    {
        public IHistoryRepository HistoryRepository => repository;

        public IMigrationsDatabaseLock ReacquireIfNeeded(bool connectionReopened, bool? transactionRestarted) =>
            connectionReopened ? repository.AcquireDatabaseLock() : this;

        public async Task<IMigrationsDatabaseLock> ReacquireIfNeededAsync(bool connectionReopened, bool? transactionRestarted, CancellationToken cancellationToken = default) =>
            connectionReopened ? await repository.AcquireDatabaseLockAsync(cancellationToken) : this;

        public void Dispose()
        {
            using var command = Command(connection, $"SELECT RELEASE_LOCK('{LockName}')");
            command.ExecuteScalar();
        }

        public async ValueTask DisposeAsync()
        {
            await using var command = Command(connection, $"SELECT RELEASE_LOCK('{LockName}')");
            await command.ExecuteScalarAsync();
        }
    }
}
