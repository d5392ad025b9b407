using System.Security.Cryptography;
using BackupConsole.Core.StoragePools.ObjectStores;

namespace BackupConsole.Core.StoragePools;

/// <summary>Proves a key may write, read back and delete in a bucket (R-POOL-2), and reports the store's own error otherwise.</summary>
public static class PoolProbe
{
    public const string ProbePrefix = ".backupconsole-probe/";

    /// <returns>Null when the probe passed, else the error text to show.</returns>
    public static async Task<string?> RunAsync(IObjectStore store, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        var key = ProbePrefix + Guid.NewGuid().ToString("N");
        var content = RandomNumberGenerator.GetBytes(4096);
        try
        {
            await store.PutAsync(key, content, limit.Token);
            await using (var read = await store.OpenReadAsync(key, limit.Token))
            using (var copy = new MemoryStream())
            {
                await read.CopyToAsync(copy, limit.Token);
                if (!copy.ToArray().AsSpan().SequenceEqual(content))
                    return $"{store.Location}: the object read back differs from the one written ({copy.Length} of {content.Length} bytes); check the pool's chunk-encoding setting.";
            }
            await store.DeleteAsync(key, limit.Token);
            if (await store.StatAsync(key, limit.Token) is not null)
                return $"{store.Location}: the probe object could not be deleted.";
            return null;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"{store.Location}: no answer within {timeout.TotalSeconds:0} s.";
        }
        catch (Exception ex) when (ex is ObjectStoreException or ObjectNotFoundException or HttpRequestException or IOException
                                       or System.Net.Sockets.SocketException or Amazon.Runtime.AmazonClientException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }
}
