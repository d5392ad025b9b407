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
    private readonly HttpClient _http;
    private readonly S3Settings _settings;
    private readonly string _prefix;

    public ObjectStorageBucket(S3Settings settings, string prefix, HttpClientFactory? httpClientFactory = null)
    {
        _settings = settings;
        _prefix = prefix.Length == 0 ? "" : prefix.TrimEnd('/') + "/";
        _client = S3Clients.Create(settings, httpClientFactory);
        // Reads go through the same connections as the SDK would use (the gateway's, for external endpoints).
        _http = httpClientFactory?.CreateHttpClient(_client.Config) ?? new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
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
        // A presigned GET on a plain HttpClient: the SDK's GetObject also hashes every response with a managed MD5,
        // which cost a sixth of a snapshot's CPU; the parts are checked by their SHA-256 in the pool anyway.
        var url = _client.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = _settings.Bucket,
            Key = _prefix + key,
            Verb = HttpVerb.GET,
            Expires = DateTime.UtcNow.AddHours(1),
            Protocol = _settings.ServiceUrl.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTPS : Protocol.HTTP,
        });
        using var response = await GetWithRetriesAsync(url, key, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
            throw new ObjectVanishedException(key, new HttpRequestException("404 Not Found"));
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            throw new BackupException($"{Description}: reading {key} failed — {(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}");
        }
        var metadata = response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key["x-amz-meta-".Length..].ToLowerInvariant(), h => string.Join(",", h.Value));
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(PartSize);
        try
        {
            await ReadPartsAsync(await response.Content.ReadAsStreamAsync(ct), buffer, part, ct);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        return (response.Content.Headers.ContentType?.ToString(), metadata);
    }

    // The SDK's retry policy does not cover this plain GET, so transient failures before the first byte (connection
    // refused or reset, 5xx, 503 SlowDown) are retried here with the same budget; a body cut off mid-read is not,
    // because its parts have already been handed on.
    private async Task<HttpResponseMessage> GetWithRetriesAsync(string url, string key, CancellationToken ct)
    {
        const int attempts = 6;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
                if ((int)response.StatusCode < 500 || attempt == attempts)
                    return response;
                response.Dispose();
            }
            catch (HttpRequestException ex)
            {
                if (attempt == attempts)
                    throw new BackupException($"{Description}: reading {key} failed after {attempts} attempts — {ex.Message}", ex);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200 * (1 << (attempt - 1))), ct);
        }
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

    public void Dispose()
    {
        _http.Dispose();
        _client.Dispose();
    }
}

/// <summary>An object listed a moment ago is gone: deleted while a snapshot ran.</summary>
public sealed class ObjectVanishedException(string key, Exception inner) : Exception($"{key} no longer exists.", inner);
