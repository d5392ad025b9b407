using System.Collections.Concurrent;

namespace BackupConsole.Core.Gateways;

/// <summary>The one <see cref="BandwidthLimiter"/> of each gateway in this process, shared by every stream crossing it.</summary>
public sealed class GatewayLimiters : IDisposable
{
    private readonly ConcurrentDictionary<string, BandwidthLimiter> _limiters = new(StringComparer.Ordinal);

    public BandwidthLimiter For(string gatewayId, int mbps) => _limiters.GetOrAdd(gatewayId, _ => new BandwidthLimiter(mbps));

    /// <summary>Applies a new bandwidth, also to the transfers running through the gateway now.</summary>
    public void SetRate(string gatewayId, int mbps)
    {
        var limiter = _limiters.GetOrAdd(gatewayId, _ => new BandwidthLimiter(mbps));
        if (limiter.Mbps != mbps)
            limiter.SetRate(mbps);
    }

    public void Remove(string gatewayId)
    {
        if (_limiters.TryRemove(gatewayId, out var limiter))
            limiter.Dispose();
    }

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
            limiter.Dispose();
        _limiters.Clear();
    }
}
