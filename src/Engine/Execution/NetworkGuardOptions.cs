using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Serverless.Engine.Execution;

/// <summary>
/// The network guard (SSRF protection). Link-local (169.254.0.0/16, fe80::/10: the cloud metadata endpoint),
/// unspecified, multicast, broadcast and reserved addresses are always refused unless listed in
/// <see cref="AllowedNetworks"/>; loopback and private ranges are refused unless allowed below.
/// </summary>
public sealed class NetworkGuardOptions : IValidatableObject
{
    /// <summary>Whether 127.0.0.0/8 and ::1 may be called (the local development profile turns this on).</summary>
    /// <value>The default is false.</value>
    public bool AllowLoopback { get; set; }

    /// <summary>Whether private ranges may be called: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10 (CGNAT), fc00::/7 and fec0::/10.</summary>
    /// <value>The default is false.</value>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Networks in CIDR notation (<c>10.1.0.0/16</c>, <c>fd00:1::/64</c>, or a single address) allowed whatever their range.</summary>
    /// <value>The default is empty.</value>
    public IList<string> AllowedNetworks { get; set; } = [];


    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        foreach (var network in AllowedNetworks)
        {
            if (!NetworkGuard.TryParseNetwork(network, out _))
            {
                yield return new ValidationResult(
                    $"Http.Network.AllowedNetworks holds '{network}', which is not a CIDR network or an IP address.", [nameof(AllowedNetworks)]);
            }
        }
    }

    internal IReadOnlyList<IPNetwork> ParsedAllowedNetworks() =>
        [.. AllowedNetworks.Select(n => NetworkGuard.TryParseNetwork(n, out var parsed) ? parsed : throw new InvalidOperationException($"'{n}' is not a network."))];
}
