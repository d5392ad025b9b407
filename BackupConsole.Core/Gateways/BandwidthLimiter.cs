using System.Threading.RateLimiting;

namespace BackupConsole.Core.Gateways;

/// <summary>
/// A gateway's bandwidth: one token bucket per direction, counted in bytes. Changing the rate swaps the buckets, and
/// transfers waiting on the old ones move to the new ones, so running transfers follow the change at once.
/// </summary>
public sealed class BandwidthLimiter : IDisposable
{
    // Short periods keep the rate smooth for a single stream; 20 refills a second is well inside timer resolution.
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(50);
    private const int MinBurstBytes = 16 * 1024;

    private Bucket _inbound;
    private Bucket _outbound;

    public BandwidthLimiter(int mbps)
    {
        _inbound = new Bucket(BytesPerSecond(mbps));
        _outbound = new Bucket(BytesPerSecond(mbps));
        Mbps = mbps;
    }

    public int Mbps { get; private set; }

    /// <summary>Largest single acquisition; callers split bigger buffers into pieces of this size.</summary>
    public int MaxChunkBytes => Math.Min(_inbound.Burst, _outbound.Burst);

    public static long BytesPerSecond(int mbps) => mbps * 1_000_000L / 8;

    public void SetRate(int mbps)
    {
        Mbps = mbps;
        Interlocked.Exchange(ref _inbound, new Bucket(BytesPerSecond(mbps))).Dispose();
        Interlocked.Exchange(ref _outbound, new Bucket(BytesPerSecond(mbps))).Dispose();
    }

    private long _inboundBytes;
    private long _outboundBytes;

    /// <summary>Bytes received through the gateway so far: what transfers report and tests check.</summary>
    public long InboundBytes => Interlocked.Read(ref _inboundBytes);

    public long OutboundBytes => Interlocked.Read(ref _outboundBytes);

    /// <summary>Waits until <paramref name="bytes"/> may be received from outside.</summary>
    public ValueTask AcquireInboundAsync(int bytes, CancellationToken ct)
    {
        Interlocked.Add(ref _inboundBytes, bytes);
        return AcquireAsync(() => _inbound, bytes, ct);
    }

    /// <summary>Waits until <paramref name="bytes"/> may be sent outside.</summary>
    public ValueTask AcquireOutboundAsync(int bytes, CancellationToken ct)
    {
        Interlocked.Add(ref _outboundBytes, bytes);
        return AcquireAsync(() => _outbound, bytes, ct);
    }

    private static async ValueTask AcquireAsync(Func<Bucket> current, int bytes, CancellationToken ct)
    {
        while (bytes > 0)
        {
            var bucket = current();
            var take = Math.Min(bytes, bucket.Burst);
            RateLimitLease lease;
            try
            {
                lease = await bucket.Limiter.AcquireAsync(take, ct);
            }
            catch (ObjectDisposedException) when (!ReferenceEquals(bucket, current()))
            {
                // Swapped out between reading it and asking it: ask the new bucket.
                continue;
            }
            using var held = lease;
            if (lease.IsAcquired)
            {
                bytes -= take;
            }
            else if (ReferenceEquals(bucket, current()))
            {
                throw new InvalidOperationException("The gateway's bandwidth limiter refused a request it should have queued.");
            }
            // Otherwise the rate changed while this request waited: take the rest from the new bucket.
        }
    }

    public void Dispose()
    {
        _inbound.Dispose();
        _outbound.Dispose();
    }

    private sealed class Bucket : IDisposable
    {
        public Bucket(long bytesPerSecond)
        {
            var perPeriod = (int)Math.Max(1, bytesPerSecond * Period.Ticks / TimeSpan.TicksPerSecond);
            // Two periods of burst: enough to keep a stream busy between refills, small enough to hold the average.
            Burst = Math.Max(MinBurstBytes, perPeriod * 2);
            Limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = Burst,
                TokensPerPeriod = perPeriod,
                ReplenishmentPeriod = Period,
                AutoReplenishment = true,
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
        }

        public int Burst { get; }

        public TokenBucketRateLimiter Limiter { get; }

        public void Dispose() => Limiter.Dispose();
    }
}
