using BackupConsole.Core.StoragePools.ObjectStores;

namespace BackupConsole.Core.StoragePools;

/// <summary>
/// A pool named on the command line (X-3): <c>file:///ABS/PATH</c> (a local pool directory) or
/// <c>s3://ACCESS:SECRET@HOST:PORT/BUCKET[/PREFIX][?tls=false&amp;pathStyle=false]</c>. User info is percent-decoded;
/// a secret left out of the URI is read from <see cref="SecretKeyVariable"/>.
/// </summary>
public static class PoolUri
{
    public const string SecretKeyVariable = "BACKUPCONSOLE_S3_SECRET_KEY";

    /// <summary>Opens the store the URI names; throws <see cref="FormatException"/> with a message for the operator.</summary>
    public static IObjectStore Open(string uri, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
            throw new FormatException($"'{Redact(uri)}' is not a pool URI (file:///path or s3://ACCESS:SECRET@HOST:PORT/BUCKET).");
        return parsed.Scheme switch
        {
            "file" => OpenDirectory(parsed),
            "s3" => OpenS3(parsed, environment),
            _ => throw new FormatException($"Pool URIs start with file:// or s3://, not {parsed.Scheme}://."),
        };
    }

    /// <summary>The URI with any secret replaced, safe to print.</summary>
    public static string Redact(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.UserInfo.Length == 0)
            return uri;
        var user = parsed.UserInfo.Split(':')[0];
        return uri.Replace(parsed.UserInfo + "@", user + ":***@", StringComparison.Ordinal);
    }

    private static IObjectStore OpenDirectory(Uri uri)
    {
        if (uri.Host.Length > 0)
            throw new FormatException("A file pool URI has no host: use file:///absolute/path.");
        var path = Path.TrimEndingDirectorySeparator(Uri.UnescapeDataString(uri.AbsolutePath));
        if (!Path.IsPathFullyQualified(path) || Path.GetFileName(path).Length == 0)
            throw new FormatException($"'{path}' is not an absolute directory path.");
        return new LocalDiskObjectStore(Path.GetDirectoryName(path)!, Path.GetFileName(path));
    }

    private static IObjectStore OpenS3(Uri uri, Func<string, string?> environment)
    {
        var (settings, prefix) = ParseS3(uri, environment);
        IObjectStore store = new S3ObjectStore(settings);
        return prefix.Length > 0 ? new PrefixedObjectStore(store, prefix) : store;
    }

    /// <summary>
    /// An <c>s3://ACCESS:SECRET@HOST:PORT/BUCKET[/PREFIX][?tls=false&amp;pathStyle=false]</c> URI as settings and a prefix
    /// ("" for the bucket's root): pools and object-storage sources are named the same way.
    /// </summary>
    public static (S3Settings Settings, string Prefix) ParseS3(string uri, Func<string, string?>? environment = null)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme != "s3")
            throw new FormatException($"'{Redact(uri)}' is not an s3://ACCESS:SECRET@HOST:PORT/BUCKET[/PREFIX] URI.");
        return ParseS3(parsed, environment ?? Environment.GetEnvironmentVariable);
    }

    private static (S3Settings Settings, string Prefix) ParseS3(Uri uri, Func<string, string?> environment)
    {
        var segments = uri.AbsolutePath.Trim('/').Split('/', 2);
        var bucket = Uri.UnescapeDataString(segments[0]);
        if (bucket.Length == 0)
            throw new FormatException("An s3 URI names its bucket: s3://ACCESS:SECRET@HOST:PORT/BUCKET.");
        var userInfo = uri.UserInfo.Split(':', 2);
        var accessKey = Uri.UnescapeDataString(userInfo[0]);
        var secretKey = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : environment(SecretKeyVariable);
        if (accessKey.Length == 0 || string.IsNullOrEmpty(secretKey))
            throw new FormatException($"An s3 URI needs ACCESS:SECRET@ (or the secret in {SecretKeyVariable}).");

        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        var tls = !string.Equals(query["tls"], "false", StringComparison.OrdinalIgnoreCase);
        var pathStyle = !string.Equals(query["pathStyle"], "false", StringComparison.OrdinalIgnoreCase);
        var port = uri.IsDefaultPort ? "" : ":" + uri.Port;
        var settings = new S3Settings($"{(tls ? "https" : "http")}://{uri.Host}{port}", accessKey, secretKey, bucket, pathStyle);
        var prefix = segments.Length > 1 ? Uri.UnescapeDataString(segments[1].Trim('/')) : "";
        return (settings, prefix);
    }
}
