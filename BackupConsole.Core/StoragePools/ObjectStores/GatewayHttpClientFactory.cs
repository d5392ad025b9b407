using Amazon.Runtime;
using BackupConsole.Core.Gateways;

namespace BackupConsole.Core.StoragePools.ObjectStores;

/// <summary>Gives the AWS SDK HTTP clients whose every connection crosses the tenant's gateway (bound and throttled).</summary>
/// <param name="caPem">A private CA to trust for this bucket's TLS certificate; null uses the system's trust store.</param>
public sealed class GatewayHttpClientFactory(GatewayNetwork network, GatewayRoute route, string? caPem = null) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        var handler = network.CreateHttpHandler(route);
        CustomCaTrust.Apply(handler, caPem);
        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    // One client per store instance: the SDK must not share a cached client across gateways or bandwidths.
    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public override string GetConfigUniqueString(IClientConfig clientConfig) => "gateway:" + route.GatewayId;
}
