using Microsoft.AspNetCore.DataProtection;

namespace BackupConsole.Core.Security;

/// <summary>Protects secrets with ASP.NET Core Data Protection, whose key ring lives in the data directory.</summary>
public sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    // The purpose string isolates these payloads from cookies and antiforgery tokens protected by the same key ring.
    private readonly IDataProtector _protector = provider.CreateProtector("BackupConsole.Secrets.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}
