using Amazon.Runtime;
using Amazon.S3;

namespace BackupConsole.Core.StoragePools.ObjectStores;

/// <summary>One S3 client configuration for pools and object-storage sources alike.</summary>
public static class S3Clients
{
    /// <param name="httpClientFactory">Set for external endpoints: every connection then crosses the tenant's gateway.</param>
    public static AmazonS3Client Create(S3Settings settings, HttpClientFactory? httpClientFactory = null)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = settings.ServiceUrl,
            ForcePathStyle = settings.ForcePathStyle,
            AuthenticationRegion = settings.Region,
            // The SDK retries throttling and 5xx with exponential backoff; parts are rewindable so retries are safe.
            MaxErrorRetry = 5,
            Timeout = TimeSpan.FromMinutes(5),
            // Trailing CRC checksums are an AWS extension several S3-compatible stores reject; we keep our own SHA-256.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (httpClientFactory is not null)
            config.HttpClientFactory = httpClientFactory;
        return new AmazonS3Client(new BasicAWSCredentials(settings.AccessKey, settings.SecretKey), config);
    }
}
