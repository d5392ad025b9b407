using Amazon.Runtime;

namespace BackupConsole.Core.StoragePools.ObjectStores;

/// <summary>HTTP clients for an S3 service reached directly (the platform's), trusting a private CA when one is configured.</summary>
public sealed class DirectHttpClientFactory(string caPem) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        CustomCaTrust.Apply(handler, caPem);
        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public override string GetConfigUniqueString(IClientConfig clientConfig) => "direct-ca";
}
