using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BackupConsole.Tests.TestBed;

/// <summary>A private CA and a server certificate for 127.0.0.1 signed by it, written as PEM files for a TLS test server.</summary>
public sealed record TestCertificates(string CaPem, string KeyPath, string CertificatePath)
{
    public static TestCertificates Create(string directory)
    {
        Directory.CreateDirectory(directory);
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=BackupConsole Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), RandomNumberGenerator.GetBytes(8));

        var keyPath = Path.Combine(directory, "server.key");
        var certificatePath = Path.Combine(directory, "server.crt");
        File.WriteAllText(keyPath, serverKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certificatePath, server.ExportCertificatePem());
        return new TestCertificates(ca.ExportCertificatePem(), keyPath, certificatePath);
    }
}
