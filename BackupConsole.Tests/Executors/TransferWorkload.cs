using MySqlConnector;

namespace BackupConsole.Tests.Executors;

/// <summary>
/// Keeps committing transactions that each move money out of one account into a new <c>ledger</c> row, so
/// SUM(accounts.balance) + SUM(ledger.amount) stays the opening total in every consistent state: a backup that reads the
/// two tables at different instants, or tears either, breaks it.
/// </summary>
internal sealed class TransferWorkload : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _writer;
    private int _transfers;

    /// <param name="ledgerColumns">The columns inserted per move besides <c>amount</c>, e.g. <c>", note"</c>, and their values.</param>
    public TransferWorkload(string connectionString, int accounts, string ledgerColumns = "", string ledgerValues = "")
    {
        _writer = Task.Run(async () =>
        {
            await using var connection = new MySqlConnection(connectionString);
            await connection.OpenAsync(CancellationToken.None);
            var random = new Random(1);
            while (!_stop.IsCancellationRequested)
            {
                var (from, amount) = (random.Next(1, accounts + 1), random.Next(1, 50));
                await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
                await new MySqlCommand($"UPDATE accounts SET balance = balance - {amount} WHERE id = {from}; " +
                                       $"INSERT INTO ledger (amount{ledgerColumns}) VALUES ({amount}{ledgerValues});", connection, transaction)
                    .ExecuteNonQueryAsync(CancellationToken.None);
                await transaction.CommitAsync(CancellationToken.None);
                Interlocked.Increment(ref _transfers);
            }
        }, CancellationToken.None);
    }

    public int Transfers => Volatile.Read(ref _transfers);

    /// <summary>What must equal the opening total in any consistent copy of the database.</summary>
    public static string TotalSql(string database) =>
        $"SELECT (SELECT SUM(balance) FROM `{database}`.accounts) + (SELECT IFNULL(SUM(amount), 0) FROM `{database}`.ledger)";

    public async Task WaitForAsync(int transfers, CancellationToken ct)
    {
        while (Transfers < transfers)
        {
            if (_writer.IsFaulted)
                await _writer;
            await Task.Delay(20, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _writer;
        _stop.Dispose();
    }
}
