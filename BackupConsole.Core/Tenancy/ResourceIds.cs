using System.Security.Cryptography;

namespace BackupConsole.Core.Tenancy;

/// <summary>Makes the prefixed, random resource IDs shown in lists (资源ID), e.g. <c>dbsgw-k3x9q2ma</c>.</summary>
public static class ResourceIds
{
    public const string Tenant = "tnt";
    public const string ProjectGroup = "pg";
    public const string Gateway = "dbsgw";
    public const string StoragePool = "dbspool";
    public const string BackupPlan = "dbs";
    public const string BackupSet = "dbsbak";
    public const string Instance = "inst";
    public const string RestoreJob = "dbsrst";
    public const string AlertRule = "alarm";
    public const string Channel = "chan";
    public const string ApiToken = "apitok";

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const int RandomLength = 8;

    /// <summary>36^8 ≈ 2.8·10^12 values; the primary key still rejects the rare collision.</summary>
    public static string New(string prefix) => $"{prefix}-{RandomNumberGenerator.GetString(Alphabet, RandomLength)}";

    public static bool HasPrefix(string id, string prefix) =>
        id.Length == prefix.Length + 1 + RandomLength && id.StartsWith(prefix + "-", StringComparison.Ordinal);
}
