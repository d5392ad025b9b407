namespace BackupConsole.Core.StoragePools;

/// <summary>对象存储 (the platform's own object storage) or 外部S3服务 (an external S3 service behind the gateway).</summary>
public enum StoragePoolType
{
    Platform,
    ExternalS3,
}
