using System.Net;
using System.Text.RegularExpressions;
using BackupConsole.Core.Common;
using BackupConsole.Core.Localization;
using Microsoft.Extensions.Localization;

namespace BackupConsole.Core.StoragePools;

/// <summary>What a pool's name, bucket, endpoint and keys must look like before any request leaves the console.</summary>
public sealed partial class StoragePoolRules(IStringLocalizer<CoreText> text, Microsoft.Extensions.Options.IOptions<StoragePoolOptions> options)
{
    public void Name(string name, string? remark, List<FieldError> errors)
    {
        var trimmed = name.Trim();
        if (trimmed.Length is 0 or > StoragePool.MaxNameLength || trimmed.Any(char.IsControl))
            errors.Add(new("Name", text["Pool.NameLength", StoragePool.MaxNameLength]));
        if (remark is { Length: > StoragePool.MaxRemarkLength })
            errors.Add(new("Remark", text["Pool.RemarkLength", StoragePool.MaxRemarkLength]));
    }

    /// <summary>S3 bucket naming: 3–63 of a-z 0-9 . -, starting and ending with a letter or digit, not an IP address.</summary>
    public void Bucket(string bucket, List<FieldError> errors)
    {
        if (!IsValidBucketName(bucket))
            errors.Add(new("Bucket", text["Pool.BucketInvalid"]));
    }

    public void Endpoint(string endpoint, List<FieldError> errors)
    {
        if (!Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || uri.Host.Length == 0 || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0
            || uri.AbsolutePath != "/")
        {
            errors.Add(new("Endpoint", text["Pool.EndpointInvalid"]));
            return;
        }
        // Cloud metadata services answer on these addresses; an endpoint there would hand them the console's requests.
        if (!options.Value.AllowLinkLocalEndpoints && IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IsMetadataOrLinkLocal(ip))
            errors.Add(new("Endpoint", text["Pool.EndpointLinkLocal"]));
    }

    public void CustomCa(string? pem, List<FieldError> errors)
    {
        if (!string.IsNullOrWhiteSpace(pem) && ObjectStores.CustomCaTrust.Problem(pem) is { } problem)
            errors.Add(new("CustomCaPem", text["Pool.CustomCaInvalid", problem]));
    }

    public void Keys(string accessKey, string secretKey, List<FieldError> errors)
    {
        if (accessKey.Trim().Length is 0 or > 256 || accessKey.Any(char.IsControl))
            errors.Add(new("AccessKey", text["Pool.AccessKeyRequired"]));
        if (secretKey.Length is 0 or > 256 || secretKey.Any(char.IsControl))
            errors.Add(new("SecretKey", text["Pool.SecretKeyRequired"]));
    }

    /// <summary>Addresses a tenant may never make the console call: link-local and cloud metadata endpoints.</summary>
    public static bool IsMetadataOrLinkLocal(IPAddress ip) =>
        ip.IsIPv6LinkLocal
        || ip.Equals(IPAddress.Parse("fd00:ec2::254"))
        || (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && ip.GetAddressBytes() is [169, 254, _, _]);

    /// <summary>S3's bucket naming rules: 3–63 lowercase letters, digits, dots and hyphens, not an IP address.</summary>
    public static bool IsValidBucketName(string bucket) =>
        BucketPattern().IsMatch(bucket) && !bucket.Contains("..") && !IPAddress.TryParse(bucket, out _);

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketPattern();
}
