using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Serverless.Engine.Execution;

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
