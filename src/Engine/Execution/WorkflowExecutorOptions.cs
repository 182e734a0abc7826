using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;

namespace Serverless.Engine.Execution;

/// <summary>
/// Options of the node executors that do I/O (<c>http</c> and <c>activity</c> nodes). Set them in
/// <see cref="WorkflowExecutorServiceCollectionExtensions.AddWorkflowExecutors"/> or bind them from configuration
/// (section <c>Executors</c> by convention). Every default is documented; every value is checked by its
/// DataAnnotations (<see cref="WorkflowExecutorOptionsValidator"/>) when the host starts, or when the executors are
/// first resolved without a host.
/// </summary>
public sealed class WorkflowExecutorOptions
{
    /// <summary>Options of <c>http</c> nodes.</summary>
    [ValidateObjectMembers]
    public HttpNodeOptions Http { get; set; } = new();

    /// <summary>Options of <c>activity</c> nodes.</summary>
    [ValidateObjectMembers]
    public ActivityNodeOptions Activities { get; set; } = new();

    /// <summary>Throws <see cref="InvalidOperationException"/> listing every invalid value (the executors' check when built without DI).</summary>
    internal void Validate() => new WorkflowExecutorOptionsValidator().ThrowIfInvalid(this);

    /// <summary>
    /// The options <paramref name="options"/> holds, validated: a validator registered with DI (by
    /// <see cref="WorkflowExecutorServiceCollectionExtensions.AddWorkflowExecutors"/>) has already run when they were
    /// built; options made without DI (<c>Options.Create</c>) are checked here. Either way an invalid value throws
    /// <see cref="InvalidOperationException"/> naming it.
    /// </summary>
    internal static WorkflowExecutorOptions Validated(IOptions<WorkflowExecutorOptions> options)
    {
        WorkflowExecutorOptions value;
        try
        {
            value = options.Value;
        }
        catch (OptionsValidationException ex)
        {
            throw new InvalidOperationException(OptionsValidation.Message(ex.OptionsType, ex.Failures), ex);
        }

        value.Validate();
        return value;
    }
}

/// <summary>The source-generated DataAnnotations validator of <see cref="WorkflowExecutorOptions"/> (nested options included).</summary>
[OptionsValidator]
internal sealed partial class WorkflowExecutorOptionsValidator : IValidateOptions<WorkflowExecutorOptions>;

/// <summary>Options of <c>http</c> nodes: limits, the connection pool, the network guard and the circuit breaker.</summary>
public sealed class HttpNodeOptions
{
    /// <summary>The per-attempt timeout when neither the node nor the document defaults set one.</summary>
    /// <value>The default is 100 seconds (as <c>HttpClient.Timeout</c>). Between 1 ms and 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The largest response body, in bytes, read for a successful response; beyond it the attempt fails with <c>OutputTooLarge</c>.</summary>
    /// <value>The default is 1 MiB (1,048,576 bytes). Between 1 byte and 64 MiB.</value>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = 1024 * 1024;

    /// <summary>How many characters of a non-success response body are kept in the <c>HttpError</c> details.</summary>
    /// <value>The default is 1,024 characters. Between 0 and 65,536.</value>
    [Range(0, 65536)]
    public int MaxErrorBodyLength { get; set; } = 1024;

    /// <summary>How many redirects one attempt follows (each hop is checked by the network guard).</summary>
    /// <value>The default is 5. Between 0 (redirects are not followed and answer with their status) and 20.</value>
    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;

    /// <summary>How many requests to one downstream host (host and port) run at once in this process; more wait, within their attempt timeout.</summary>
    /// <value>The default is 20. Between 1 and 10,000.</value>
    [Range(1, 10_000)]
    public int MaxConcurrencyPerHost { get; set; } = 20;

    /// <summary>How long a pooled connection lives, so DNS changes are picked up (and re-checked by the network guard).</summary>
    /// <value>The default is 2 minutes. Between 1 second and 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PooledConnectionLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long establishing one connection may take (the attempt timeout applies as well).</summary>
    /// <value>The default is 15 seconds. Between 100 ms and 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:05:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Which addresses requests may connect to.</summary>
    [ValidateObjectMembers]
    public NetworkGuardOptions Network { get; set; } = new();

    /// <summary>The circuit breaker kept per downstream host.</summary>
    [ValidateObjectMembers]
    public HostCircuitBreakerOptions CircuitBreaker { get; set; } = new();

}

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

/// <summary>
/// The circuit breaker kept per downstream host (host and port) within one process. Failures are network errors,
/// timeouts, 408 and 5xx answers. While it is open, attempts fail at once with <c>CircuitOpen</c> whose retry-after
/// is the time left until it half-opens, so the durable retry waits instead of hammering the host.
/// </summary>
public sealed class HostCircuitBreakerOptions
{
    /// <summary>Whether a circuit breaker is used.</summary>
    /// <value>The default is true.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>The failure ratio, within <see cref="SamplingDuration"/>, at which the circuit opens.</summary>
    /// <value>The default is 0.5. Greater than 0 and at most 1.</value>
    [Range(0.0, 1.0, MinimumIsExclusive = true)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>The fewest calls within <see cref="SamplingDuration"/> before the ratio counts.</summary>
    /// <value>The default is 10. At least 2.</value>
    [Range(2, int.MaxValue)]
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>The window in which failures are counted.</summary>
    /// <value>The default is 30 seconds. At least 500 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.5", "1.00:00:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the circuit stays open before one probe call is let through (half-open).</summary>
    /// <value>The default is 30 seconds. At least 500 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.5", "1.00:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

}

/// <summary>Options of <c>activity</c> nodes.</summary>
public sealed class ActivityNodeOptions
{
    /// <summary>The per-attempt timeout when neither the node nor the document defaults set one.</summary>
    /// <value>The default is 5 minutes (the Azure Functions Consumption plan's default function timeout). Between 1 ms and 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest serialized activity output, in bytes; beyond it the attempt fails with <c>OutputTooLarge</c>.</summary>
    /// <value>The default is 1 MiB (1,048,576 bytes). Between 1 byte and 64 MiB.</value>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxOutputBytes { get; set; } = 1024 * 1024;

}
