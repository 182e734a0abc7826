using System.Net;
using Serverless.Engine.Execution;

namespace Serverless.Engine.Tests.Execution;

public sealed class NetworkGuardTests
{
    private static NetworkGuard Guard(bool loopback = false, bool privateNetworks = false, params string[] allowed) =>
        new(new NetworkGuardOptions { AllowLoopback = loopback, AllowPrivateNetworks = privateNetworks, AllowedNetworks = allowed }, new DnsHostResolver());

    [Theory]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("64:ff9b::a9fe:a9fe", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.5.6.7", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("100.64.0.1", "private, carrier-grade NAT")]
    [InlineData("fd00::1", "private, unique local")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("255.255.255.255", "reserved or broadcast")]
    public void Check_DefaultOptions_RefusesInternalRanges(string address, string range)
    {
        Assert.Equal(range, Guard().Check(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("2001:4860:4860::8888")]
    public void Check_PublicAddress_IsAllowed(string address)
    {
        Assert.Null(Guard().Check(IPAddress.Parse(address)));
    }

    [Fact]
    public void Check_AllowFlags_OpenOnlyTheirRanges()
    {
        var guard = Guard(loopback: true, privateNetworks: true);

        Assert.Null(guard.Check(IPAddress.Loopback));
        Assert.Null(guard.Check(IPAddress.Parse("10.1.2.3")));
        Assert.Null(guard.Check(IPAddress.Parse("fd12::1")));
        Assert.Equal("link-local", guard.Check(IPAddress.Parse("169.254.169.254")));
    }

    [Fact]
    public void Check_AllowedNetworks_OpenExactlyThoseAddresses()
    {
        var guard = Guard(false, false, "10.20.0.0/16", "169.254.10.10");

        Assert.Null(guard.Check(IPAddress.Parse("10.20.3.4")));
        Assert.Equal("private", guard.Check(IPAddress.Parse("10.21.0.1")));
        Assert.Null(guard.Check(IPAddress.Parse("169.254.10.10")));
        Assert.Equal("link-local", guard.Check(IPAddress.Parse("169.254.169.254")));
    }

    [Fact]
    public void Validate_BadNetwork_IsReported()
    {
        var options = new WorkflowExecutorOptions();
        options.Http.Network.AllowedNetworks = ["10.0.0.0/33"];
        options.Http.MaxRedirects = -1;

        var ex = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("10.0.0.0/33", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Http.MaxRedirects", ex.Message, StringComparison.Ordinal);
    }
}
