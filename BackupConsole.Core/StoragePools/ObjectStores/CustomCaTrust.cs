using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BackupConsole.Core.StoragePools.ObjectStores;

/// <summary>
/// Trust for S3 services whose TLS certificate comes from a private CA: off unless a CA is given, and then that CA
/// alone anchors the chain (the host name is still checked).
/// </summary>
public static class CustomCaTrust
{
    /// <summary>Null when the text is one or more PEM certificates; otherwise why not.</summary>
    public static string? Problem(string pem)
    {
        try
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPem(pem);
            return certificates.Count == 0 ? "no certificate in the PEM text" : null;
        }
        catch (CryptographicException ex)
        {
            return ex.Message;
        }
    }

    public static void Apply(SocketsHttpHandler handler, string? caPem)
    {
        if (string.IsNullOrWhiteSpace(caPem))
            return;
        var anchors = new X509Certificate2Collection();
        anchors.ImportFromPem(caPem);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
                return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(anchors);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
    }
}
