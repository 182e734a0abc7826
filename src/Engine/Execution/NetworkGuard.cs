using System.Net;
using System.Net.Sockets;

namespace Serverless.Engine.Execution;

/// <summary>
/// Decides which addresses requests may reach, and connects only to addresses it checked: the name is resolved
/// here, every address is checked, and the socket connects to a checked address, so DNS rebinding between the
/// check and the connection cannot get around it.
/// </summary>
internal sealed class NetworkGuard(NetworkGuardOptions options, IHostResolver resolver)
{
    private enum Kind
    {
        Public,
        Loopback,
        Private,
        Blocked,
    }

    private static readonly (IPNetwork Network, Kind Kind, string Name)[] Ranges =
    [
        (IPNetwork.Parse("127.0.0.0/8"), Kind.Loopback, "loopback"),
        (IPNetwork.Parse("::1/128"), Kind.Loopback, "loopback"),
        (IPNetwork.Parse("10.0.0.0/8"), Kind.Private, "private"),
        (IPNetwork.Parse("172.16.0.0/12"), Kind.Private, "private"),
        (IPNetwork.Parse("192.168.0.0/16"), Kind.Private, "private"),
        (IPNetwork.Parse("100.64.0.0/10"), Kind.Private, "private, carrier-grade NAT"),
        (IPNetwork.Parse("fc00::/7"), Kind.Private, "private, unique local"),
        (IPNetwork.Parse("fec0::/10"), Kind.Private, "private, site-local"),
        (IPNetwork.Parse("169.254.0.0/16"), Kind.Blocked, "link-local"),
        (IPNetwork.Parse("fe80::/10"), Kind.Blocked, "link-local"),
        (IPNetwork.Parse("0.0.0.0/8"), Kind.Blocked, "unspecified"),
        (IPNetwork.Parse("::/128"), Kind.Blocked, "unspecified"),
        (IPNetwork.Parse("224.0.0.0/4"), Kind.Blocked, "multicast"),
        (IPNetwork.Parse("ff00::/8"), Kind.Blocked, "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), Kind.Blocked, "reserved or broadcast"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    private readonly IReadOnlyList<IPNetwork> _allowed = options.ParsedAllowedNetworks();

    public static bool TryParseNetwork(string text, out IPNetwork network)
    {
        if (IPNetwork.TryParse(text, out network))
        {
            return true;
        }

        if (IPAddress.TryParse(text, out var single))
        {
            network = new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return false;
    }

    /// <summary>Null when <paramref name="address"/> may be reached; otherwise the name of the range that blocks it.</summary>
    public string? Check(IPAddress address)
    {
        var normalized = Normalize(address);
        foreach (var network in _allowed)
        {
            if (network.Contains(normalized) || network.Contains(address))
            {
                return null;
            }
        }

        foreach (var (network, kind, name) in Ranges)
        {
            if (!network.Contains(normalized))
            {
                continue;
            }

            return kind switch
            {
                Kind.Loopback when options.AllowLoopback => null,
                Kind.Private when options.AllowPrivateNetworks => null,
                _ => name,
            };
        }

        return null;
    }

    /// <summary>The <see cref="SocketsHttpHandler.ConnectCallback"/>: resolve, check every address, connect to a checked one.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await resolver.ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        // Every address must pass: a name with one public and one internal record is refused as a whole.
        foreach (var address in addresses)
        {
            if (Check(address) is { } range)
            {
                throw new BlockedAddressException(host, address, range);
            }
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    private static IPAddress Normalize(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && Nat64.Contains(address))
        {
            // 64:ff9b::a.b.c.d reaches a.b.c.d through a NAT64 gateway: judge the embedded IPv4 address.
            var bytes = address.GetAddressBytes();
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        return address;
    }
}
