using System.Net.Sockets;
using System.Text;

namespace BackupConsole.Tests.Support;

/// <summary>HTTP the way no client library sends it, to see what the server answers before a body arrives.</summary>
internal static class RawHttp
{
    /// <summary>Sends a post's headers declaring <paramref name="length"/> bytes, no body, and returns the status line
    /// the server answers with (empty when it waits for the body instead, for 15 s).</summary>
    public static async Task<string> PostHeadersOnlyAsync(
        Uri baseUrl, string path, string contentType, long length, CancellationToken ct, string? bearerToken = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(baseUrl.Host, baseUrl.Port, ct);
        await using var stream = client.GetStream();
        var authorization = bearerToken is null ? "" : $"Authorization: Bearer {bearerToken}\r\n";
        var request = $"POST {path} HTTP/1.1\r\nHost: {baseUrl.Authority}\r\n{authorization}Content-Type: {contentType}\r\nContent-Length: {length}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), ct);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        try
        {
            return await reader.ReadLineAsync(timeout.Token) ?? "";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return ""; // The server is waiting for the body: no limit stopped it.
        }
    }
}
