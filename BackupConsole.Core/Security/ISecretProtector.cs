namespace BackupConsole.Core.Security;

/// <summary>The one way secrets (S3 secret keys, database passwords) are encrypted before they are stored.</summary>
public interface ISecretProtector
{
    string Protect(string secret);

    /// <summary>Throws <see cref="System.Security.Cryptography.CryptographicException"/> when the key ring that protected it is gone.</summary>
    string Unprotect(string protectedSecret);
}
