using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace BackupConsole.Core.Gateways;

/// <summary>Parses and checks a gateway's public IP (外网IP): IPv4 or IPv6, never loopback, unspecified, multicast or link-local.</summary>
public static partial class PublicIp
{
    public enum Problem
    {
        None,
        Empty,
        Malformed,
        Loopback,
        Unspecified,
        Multicast,
        LinkLocal,
        Broadcast,
    }

    /// <summary>Documentation ranges (192.0.2.0/24, 2001:db8::/32 …) and private ranges are accepted: NAT'd hosts have them.</summary>
    public static Problem TryParse(string? text, out IPAddress? address)
    {
        address = null;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
            return Problem.Empty;

        // IPAddress.TryParse takes "1" or "1.2.3" as IPv4 shorthand and accepts zone ids; operators never mean those.
        if (text.Contains(':'))
        {
            if (text.Contains('%') || !IPAddress.TryParse(text, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
                return Problem.Malformed;
            address = v6.IsIPv4MappedToIPv6 ? v6.MapToIPv4() : v6;
        }
        else
        {
            if (!DottedQuad().IsMatch(text) || !IPAddress.TryParse(text, out var v4))
                return Problem.Malformed;
            address = v4;
        }

        var problem = Classify(address);
        if (problem != Problem.None)
            address = null;
        return problem;
    }

    private static Problem Classify(IPAddress address)
    {
        if (IPAddress.IsLoopback(address))
            return Problem.Loopback;
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            return Problem.Unspecified;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var first = address.GetAddressBytes()[0];
            if (address.Equals(IPAddress.Broadcast))
                return Problem.Broadcast;
            if (first is >= 224 and <= 239)
                return Problem.Multicast;
            if (first == 169 && address.GetAddressBytes()[1] == 254)
                return Problem.LinkLocal;
            if (first == 0)
                return Problem.Unspecified;
            return Problem.None;
        }
        if (address.IsIPv6Multicast)
            return Problem.Multicast;
        if (address.IsIPv6LinkLocal)
            return Problem.LinkLocal;
        return Problem.None;
    }

    /// <summary>The list column "IP地址/网段": the single address as a host prefix.</summary>
    public static string AsCidr(string address) => address + (address.Contains(':') ? "/128" : "/32");

    [GeneratedRegex(@"^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$")]
    private static partial Regex DottedQuad();
}
