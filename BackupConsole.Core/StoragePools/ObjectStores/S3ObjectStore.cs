using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace BackupConsole.Core.StoragePools.ObjectStores;

/// <summary>A bucket on an S3-compatible service; uploads are our own multipart loop so they stream from any source.</summary>
public sealed class S3ObjectStore : IObjectStore
{
    private readonly S3Settings _settings;
    private readonly AmazonS3Client _client;

    /// <param name="httpClientFactory">Set for external pools: every connection then crosses the tenant's gateway.</param>
    public S3ObjectStore(S3Settings settings, HttpClientFactory? httpClientFactory = null)
    {
        _settings = settings;
        _client = S3Clients.Create(settings, httpClientFactory);
    }

    public string Location => _settings.ToString();

    public async Task EnsureBucketAsync(CancellationToken ct)
    {
        if (await BucketExistsAsync(ct))
            return;
        await CallAsync(() => _client.PutBucketAsync(new PutBucketRequest { BucketName = _settings.Bucket }, ct), "");
    }

    public async Task<bool> BucketExistsAsync(CancellationToken ct)
    {
        try
        {
            await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _settings.Bucket, MaxKeys = 1 }, ct);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchBucket" || ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (AmazonServiceException ex)
        {
            throw Translate(ex);
        }
    }

    public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct) =>
        CallAsync(() => _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _settings.Bucket,
            Key = ObjectKeys.Require(key),
            InputStream = ReadOnlyStream(content),
            UseChunkEncoding = _settings.UseChunkEncoding,
            AutoCloseStream = true,
        }, ct), key);

    /// <summary>
    /// The content as a stream over the caller's own array, not a copy: blobs come from pooled buffers the caller
    /// keeps until the put returns, and a copy of each was a large-object-heap allocation that forced full collections.
    /// </summary>
    private static MemoryStream ReadOnlyStream(ReadOnlyMemory<byte> content) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);

    public Task<ObjectUpload> StartUploadAsync(string key, CancellationToken ct) =>
        Task.FromResult<ObjectUpload>(new S3Upload(this, ObjectKeys.Require(key)));

    public async Task<Stream> OpenReadAsync(string key, CancellationToken ct)
    {
        try
        {
            var response = await _client.GetObjectAsync(_settings.Bucket, ObjectKeys.Require(key), ct);
            return new ResponseStream(response);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "NoSuchKey" or "NoSuchBucket" || ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ObjectNotFoundException(Location, key);
        }
        catch (AmazonServiceException ex)
        {
            throw Translate(ex);
        }
    }

    public async Task<byte[]> ReadRangeAsync(string key, long offset, int length, CancellationToken ct)
    {
        try
        {
            using var response = await _client.GetObjectAsync(new GetObjectRequest
            {
                BucketName = _settings.Bucket,
                Key = ObjectKeys.Require(key),
                ByteRange = new ByteRange(offset, offset + length - 1),
            }, ct);
            // A server (or proxy) that ignores Range answers 200 with the whole object: skip to the range instead of
            // taking the pack's first bytes for the blob.
            if (response.HttpStatusCode != HttpStatusCode.PartialContent && offset > 0)
                await ObjectRanges.ReadExactlyAsync(response.ResponseStream, key, Location, checked((int)offset), ct);
            return await ObjectRanges.ReadExactlyAsync(response.ResponseStream, key, Location, length, ct);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "NoSuchKey" or "NoSuchBucket" || ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ObjectNotFoundException(Location, key);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            throw new InvalidDataException($"{key} in {Location} ends before byte {offset}.", ex);
        }
        catch (AmazonServiceException ex)
        {
            throw Translate(ex);
        }
    }

    public async Task<ObjectInfo?> StatAsync(string key, CancellationToken ct)
    {
        try
        {
            var meta = await _client.GetObjectMetadataAsync(_settings.Bucket, ObjectKeys.Require(key), ct);
            return new ObjectInfo(key, meta.ContentLength, meta.LastModified ?? DateTime.UtcNow);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (AmazonServiceException ex)
        {
            throw Translate(ex);
        }
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var request = new ListObjectsV2Request { BucketName = _settings.Bucket, Prefix = prefix, MaxKeys = 1000 };
        while (true)
        {
            var page = await CallAsync(() => _client.ListObjectsV2Async(request, ct), prefix);
            foreach (var o in page.S3Objects ?? [])
                yield return new ObjectInfo(o.Key, o.Size ?? 0, o.LastModified ?? DateTime.UtcNow);
            if (page.IsTruncated != true)
                yield break;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    public Task DeleteAsync(string key, CancellationToken ct) =>
        CallAsync(() => _client.DeleteObjectAsync(_settings.Bucket, ObjectKeys.Require(key), ct), key);

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<T> CallAsync<T>(Func<Task<T>> call, string key)
    {
        try
        {
            return await call();
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "NoSuchKey")
        {
            throw new ObjectNotFoundException(Location, key);
        }
        catch (AmazonServiceException ex)
        {
            throw Translate(ex);
        }
    }

    private ObjectStoreException Translate(AmazonServiceException ex) =>
        new(ex is AmazonS3Exception s3 && !string.IsNullOrEmpty(s3.ErrorCode)
            ? $"{Location}: {s3.ErrorCode}: {ex.Message}"
            : $"{Location}: {ex.Message}", ex);

    /// <summary>Buffers one part at a time (pooled), so memory stays at one part however large the object.</summary>
    private sealed class S3Upload(S3ObjectStore store, string key) : ObjectUpload(key)
    {
        private readonly List<PartETag> _parts = [];
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(store._settings.PartSizeBytes);
        private int _filled;
        private string? _uploadId;

        private AmazonS3Client Client => store._client;
        private string Bucket => store._settings.Bucket;

        protected override async ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct)
        {
            var partSize = store._settings.PartSizeBytes;
            while (!buffer.IsEmpty)
            {
                var take = Math.Min(buffer.Length, partSize - _filled);
                buffer[..take].CopyTo(_buffer.AsMemory(_filled));
                _filled += take;
                buffer = buffer[take..];
                if (_filled == partSize)
                    await FlushPartAsync(ct);
            }
        }

        protected override async Task CompleteCoreAsync(CancellationToken ct)
        {
            try
            {
                if (_uploadId is null)
                {
                    // Smaller than one part: a single PUT is cheaper than a one-part multipart upload.
                    await store.PutAsync(Key, _buffer.AsMemory(0, _filled), ct);
                    return;
                }
                if (_filled > 0)
                    await FlushPartAsync(ct);
                await store.CallAsync(() => Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = Bucket,
                    Key = Key,
                    UploadId = _uploadId,
                    PartETags = _parts,
                }, ct), Key);
            }
            finally
            {
                ReturnBuffer();
            }
        }

        protected override async Task AbortCoreAsync()
        {
            ReturnBuffer();
            if (_uploadId is null)
                return;
            // Best effort with its own token: the caller's may already be cancelled, and parts left behind cost storage.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await store.CallAsync(() => Client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
            {
                BucketName = Bucket,
                Key = Key,
                UploadId = _uploadId,
            }, timeout.Token), Key);
        }

        private async Task FlushPartAsync(CancellationToken ct)
        {
            _uploadId ??= (await store.CallAsync(() => Client.InitiateMultipartUploadAsync(
                new InitiateMultipartUploadRequest { BucketName = Bucket, Key = Key }, ct), Key)).UploadId;
            var partNumber = _parts.Count + 1;
            var response = await store.CallAsync(() => Client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = Bucket,
                Key = Key,
                UploadId = _uploadId,
                PartNumber = partNumber,
                PartSize = _filled,
                InputStream = new MemoryStream(_buffer, 0, _filled, writable: false),
                UseChunkEncoding = store._settings.UseChunkEncoding,
            }, ct), Key);
            _parts.Add(new PartETag(partNumber, response.ETag));
            _filled = 0;
        }

        private void ReturnBuffer()
        {
            if (_buffer.Length == 0)
                return;
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    /// <summary>Keeps the GetObject response alive exactly as long as its body is read.</summary>
    private sealed class ResponseStream(GetObjectResponse response) : Repository.ReadOnlyStream
    {
        private readonly Stream _body = response.ResponseStream;

        public override long Length => response.ContentLength;

        public override int Read(byte[] buffer, int offset, int count) => _body.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _body.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _body.ReadAsync(buffer, offset, count, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                response.Dispose();
            base.Dispose(disposing);
        }
    }
}
