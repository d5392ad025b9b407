using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using BackupConsole.Core.StoragePools.ObjectStores;

namespace BackupConsole.Core.Executors.Objects;

/// <summary>
/// A bucket (and prefix) as an object-storage source or restore target: listing with ETags, reads with content type
/// and user metadata, and writes that set them again — single PUTs for small objects, multipart for large ones.
/// </summary>
public sealed class ObjectStorageBucket : IDisposable
{
    /// <summary>Parts objects are read, stored and written in: large objects stream through in bounded memory.</summary>
    public const int PartSize = 8 * 1024 * 1024;

    private readonly AmazonS3Client _client;
    private readonly S3Settings _settings;
    private readonly string _prefix;

    public ObjectStorageBucket(S3Settings settings, string prefix, HttpClientFactory? httpClientFactory = null)
    {
        _settings = settings;
        _prefix = prefix.Length == 0 ? "" : prefix.TrimEnd('/') + "/";
        _client = S3Clients.Create(settings, httpClientFactory);
    }

    /// <summary>Endpoint, bucket and prefix: no secret.</summary>
    public string Description => $"{_settings.ServiceUrl.TrimEnd('/')}/{_settings.Bucket}" + (_prefix.Length > 0 ? "/" + _prefix.TrimEnd('/') : "");

    public async IAsyncEnumerable<ObjectEntry> ListAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var request = new ListObjectsV2Request { BucketName = _settings.Bucket, Prefix = _prefix };
        while (true)
        {
            var page = await CallAsync(() => _client.ListObjectsV2Async(request, ct));
            foreach (var o in page.S3Objects ?? [])
            {
                yield return new ObjectEntry
                {
                    Key = o.Key[_prefix.Length..], Size = o.Size ?? 0, ETag = o.ETag ?? "", LastModified = o.LastModified ?? DateTime.UnixEpoch,
                };
            }
            if (page.IsTruncated != true)
                yield break;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    /// <summary>Readies a restore target: creates the bucket when missing; true when the bucket and prefix hold no object.</summary>
    public async Task<bool> PrepareTargetAsync(CancellationToken ct)
    {
        try
        {
            var page = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _settings.Bucket, Prefix = _prefix, MaxKeys = 1 }, ct);
            return (page.S3Objects?.Count ?? 0) == 0;
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchBucket" || ex.StatusCode == HttpStatusCode.NotFound)
        {
            await CallAsync(() => _client.PutBucketAsync(new PutBucketRequest { BucketName = _settings.Bucket }, ct));
            return true;
        }
    }

    /// <summary>Reads one object: its content type and user metadata, and its content handed over part by part.</summary>
    public async Task<(string? ContentType, Dictionary<string, string> Metadata)> ReadAsync(
        string key, Func<ReadOnlyMemory<byte>, Task> part, CancellationToken ct)
    {
        GetObjectResponse response;
        try
        {
            response = await _client.GetObjectAsync(_settings.Bucket, _prefix + key, ct);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchKey" || ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ObjectVanishedException(key, ex);
        }
        catch (AmazonServiceException ex)
        {
            throw new BackupException($"{Description}: {ex.ErrorCode ?? ex.StatusCode.ToString()} — {ex.Message}", ex);
        }
        using var _ = response;
        var metadata = response.Metadata.Keys.ToDictionary(
            k => k.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase) ? k["x-amz-meta-".Length..] : k, k => response.Metadata[k]);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(PartSize);
        try
        {
            await ReadPartsAsync(response.ResponseStream, buffer, part, ct);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        return (response.Headers.ContentType, metadata);
    }

    private static async Task ReadPartsAsync(Stream body, byte[] buffer, Func<ReadOnlyMemory<byte>, Task> part, CancellationToken ct)
    {
        await using var _ = body;
        while (true)
        {
            var filled = 0;
            int read;
            while (filled < PartSize && (read = await body.ReadAsync(buffer.AsMemory(filled, PartSize - filled), ct)) > 0)
                filled += read;
            if (filled == 0)
                break;
            await part(buffer.AsMemory(0, filled));
            if (filled < PartSize)
                break;
        }
    }

    /// <summary>Writes one object with its content type and metadata from parts produced in order.</summary>
    public async Task WriteAsync(ObjectEntry entry, Func<int, CancellationToken, Task<byte[]>> part, CancellationToken ct)
    {
        var key = _prefix + entry.Key;
        if (entry.Parts.Count <= 1)
        {
            var content = entry.Parts.Count == 0 ? [] : await part(0, ct);
            var put = new PutObjectRequest { BucketName = _settings.Bucket, Key = key, InputStream = new MemoryStream(content), ContentType = entry.ContentType, UseChunkEncoding = false };
            AddMetadata(put.Metadata, entry);
            await CallAsync(() => _client.PutObjectAsync(put, ct));
            return;
        }
        var start = new InitiateMultipartUploadRequest { BucketName = _settings.Bucket, Key = key, ContentType = entry.ContentType };
        AddMetadata(start.Metadata, entry);
        var uploadId = (await CallAsync(() => _client.InitiateMultipartUploadAsync(start, ct))).UploadId;
        try
        {
            var etags = new List<PartETag>();
            for (var i = 0; i < entry.Parts.Count; i++)
            {
                var content = await part(i, ct);
                var response = await CallAsync(() => _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = _settings.Bucket, Key = key, UploadId = uploadId, PartNumber = i + 1, InputStream = new MemoryStream(content), UseChunkEncoding = false,
                }, ct));
                etags.Add(new PartETag(i + 1, response.ETag));
            }
            await CallAsync(() => _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _settings.Bucket, Key = key, UploadId = uploadId, PartETags = etags,
            }, ct));
        }
        catch
        {
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _settings.Bucket, Key = key, UploadId = uploadId }, CancellationToken.None);
            throw;
        }
    }

    private static void AddMetadata(MetadataCollection target, ObjectEntry entry)
    {
        foreach (var (name, value) in entry.Metadata ?? new Dictionary<string, string>())
            target.Add(name, value);
    }

    private async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (AmazonServiceException ex)
        {
            throw new BackupException($"{Description}: {ex.ErrorCode ?? ex.StatusCode.ToString()} — {ex.Message}", ex);
        }
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>An object listed a moment ago is gone: deleted while a snapshot ran.</summary>
public sealed class ObjectVanishedException(string key, Exception inner) : Exception($"{key} no longer exists.", inner);
