using BackupConsole.Core.Gateways;

namespace BackupConsole.Tests.Gateways;

/// <summary>R-GW-1/R-GW-5: the public IP is IPv4 or IPv6, validated; loopback and unspecified are refused.</summary>
public sealed class PublicIpTests
{
    [Theory]
    [InlineData("203.0.113.10", "203.0.113.10")]
    [InlineData(" 198.51.100.7 ", "198.51.100.7")]
    [InlineData("192.0.2.1", "192.0.2.1")]
    [InlineData("8.8.8.8", "8.8.8.8")]
    [InlineData("10.1.2.3", "10.1.2.3")]
    [InlineData("2001:db8::10", "2001:db8::10")]
    [InlineData("2001:DB8:0:0::10", "2001:db8::10")]
    [InlineData("fd00::2", "fd00::2")]
    [InlineData("::ffff:203.0.113.5", "203.0.113.5")]
    public void Accepted_addresses_are_canonicalized(string input, string canonical)
    {
        Assert.Equal(PublicIp.Problem.None, PublicIp.TryParse(input, out var address));
        Assert.Equal(canonical, address!.ToString());
    }

    [Theory]
    [InlineData("", PublicIp.Problem.Empty)]
    [InlineData("   ", PublicIp.Problem.Empty)]
    [InlineData("1", PublicIp.Problem.Malformed)]
    [InlineData("1.2.3", PublicIp.Problem.Malformed)]
    [InlineData("256.1.1.1", PublicIp.Problem.Malformed)]
    [InlineData("01.2.3.4", PublicIp.Problem.Malformed)]
    [InlineData("1.2.3.4.5", PublicIp.Problem.Malformed)]
    [InlineData("1.2.3.4/24", PublicIp.Problem.Malformed)]
    [InlineData("abc", PublicIp.Problem.Malformed)]
    [InlineData("2001:db8::g", PublicIp.Problem.Malformed)]
    [InlineData("fe80::1%eth0", PublicIp.Problem.Malformed)]
    [InlineData("127.0.0.1", PublicIp.Problem.Loopback)]
    [InlineData("127.8.8.8", PublicIp.Problem.Loopback)]
    [InlineData("::1", PublicIp.Problem.Loopback)]
    [InlineData("0.0.0.0", PublicIp.Problem.Unspecified)]
    [InlineData("::", PublicIp.Problem.Unspecified)]
    [InlineData("224.0.0.1", PublicIp.Problem.Multicast)]
    [InlineData("ff02::1", PublicIp.Problem.Multicast)]
    [InlineData("169.254.1.1", PublicIp.Problem.LinkLocal)]
    [InlineData("fe80::1", PublicIp.Problem.LinkLocal)]
    [InlineData("255.255.255.255", PublicIp.Problem.Broadcast)]
    public void Refused_addresses_name_their_problem(string input, PublicIp.Problem problem)
    {
        Assert.Equal(problem, PublicIp.TryParse(input, out var address));
        Assert.Null(address);
    }

    [Fact]
    public void The_list_shows_a_host_prefix_per_family()
    {
        Assert.Equal("203.0.113.10/32", PublicIp.AsCidr("203.0.113.10"));
        Assert.Equal("2001:db8::10/128", PublicIp.AsCidr("2001:db8::10"));
    }
}
