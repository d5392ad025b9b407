using System.CommandLine;
using System.Security.Cryptography;
using BackupConsole.Core.StoragePools;
using BackupConsole.Core.StoragePools.ObjectStores;
using BackupConsole.Core.StoragePools.Repository;

namespace BackupConsole.Cli;

/// <summary>Options and error handling shared by the verbs.</summary>
internal static class CommonOptions
{
    public const string EncryptionKeyVariable = "BACKUPCONSOLE_ENCRYPTION_KEY";

    public static Option<string> Pool() => new("--pool")
    {
        Description = $"The pool: file:///ABS/PATH or s3://ACCESS:SECRET@HOST:PORT/BUCKET[/PREFIX][?tls=false] (secret also from {PoolUri.SecretKeyVariable}).",
        Required = true,
    };

    public static BackupRepository OpenRepository(string poolUri) =>
        new(PoolUri.Open(poolUri), new RepositoryOptions(), TimeProvider.System);

    /// <summary>The key for encrypted sets, from the environment (base64 of 32 bytes), or null.</summary>
    public static EncryptionKey? KeyFromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(EncryptionKeyVariable);
        if (string.IsNullOrEmpty(text))
            return null;
        try
        {
            var key = Convert.FromBase64String(text);
            if (key.Length == ChunkedAesGcm.KeySize)
                return new EncryptionKey("environment", key);
        }
        catch (FormatException)
        {
            // Reported below with the variable's name.
        }
        throw new FormatException($"{EncryptionKeyVariable} must be the base64 of exactly 32 bytes.");
    }

    /// <summary>Runs a verb and turns every failure an operator can meet into one clear line and an exit code.</summary>
    public static async Task<int> GuardAsync(TextWriter error, Func<Task<int>> verb)
    {
        try
        {
            return await verb();
        }
        catch (FormatException ex)
        {
            return Fail(error, ExitCodes.Usage, ex.Message);
        }
        catch (Exception ex) when (ex is ObjectNotFoundException or BackupNotFoundException)
        {
            return Fail(error, ExitCodes.NotFound, ex.Message);
        }
        catch (ChecksumMismatchException ex)
        {
            return Fail(error, ExitCodes.Corrupt, ex.Message);
        }
        catch (Exception ex) when (ex is BackupConsole.Core.Executors.BackupException or ObjectStoreException or HttpRequestException or IOException or CryptographicException
                                       or InvalidOperationException or NotSupportedException or Amazon.Runtime.AmazonClientException)
        {
            return Fail(error, ExitCodes.Failed, ex.Message);
        }
    }

    private static int Fail(TextWriter error, int code, string message)
    {
        error.WriteLine("error: " + message.ReplaceLineEndings(" "));
        return code;
    }
}

/// <summary>What each verb's exit code means.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int NotFound = 3;
    public const int Corrupt = 4;
}
