using System.Globalization;
using System.Net;

namespace Serverless.Engine.Execution;

/// <summary>Options of <c>http</c> nodes: limits, the connection pool, the network guard and the circuit breaker.</summary>
public sealed class HttpNodeOptions
{
    /// <summary>The per-attempt timeout when neither the node nor the document defaults set one.</summary>
    /// <value>The default is 100 seconds (as <c>HttpClient.Timeout</c>). Between 1 ms and 1 hour.</value>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The largest response body, in bytes, read for a successful response; beyond it the attempt fails with <c>OutputTooLarge</c>.</summary>
    /// <value>The default is 1 MiB (1,048,576 bytes). Between 1 byte and 64 MiB.</value>
    public int MaxResponseBytes { get; set; } = 1024 * 1024;

    /// <summary>How many characters of a non-success response body are kept in the <c>HttpError</c> details.</summary>
    /// <value>The default is 1,024 characters. Between 0 and 65,536.</value>
    public int MaxErrorBodyLength { get; set; } = 1024;

    /// <summary>How many redirects one attempt follows (each hop is checked by the network guard).</summary>
    /// <value>The default is 5. Between 0 (redirects are not followed and answer with their status) and 20.</value>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>How many requests to one downstream host (host and port) run at once in this process; more wait, within their attempt timeout.</summary>
    /// <value>The default is 20. Between 1 and 10,000.</value>
    public int MaxConcurrencyPerHost { get; set; } = 20;

    /// <summary>How long a pooled connection lives, so DNS changes are picked up (and re-checked by the network guard).</summary>
    /// <value>The default is 2 minutes. Between 1 second and 1 hour.</value>
    public TimeSpan PooledConnectionLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long establishing one connection may take (the attempt timeout applies as well).</summary>
    /// <value>The default is 15 seconds. Between 100 ms and 5 minutes.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Which addresses requests may connect to.</summary>
    public NetworkGuardOptions Network { get; set; } = new();

    /// <summary>The circuit breaker kept per downstream host.</summary>
    public HostCircuitBreakerOptions CircuitBreaker { get; set; } = new();

    internal void Validate(List<string> problems)
    {
        WorkflowExecutorOptions.Range(problems, "Http.DefaultTimeout", DefaultTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));
        WorkflowExecutorOptions.Range(problems, "Http.MaxResponseBytes", MaxResponseBytes, 1, 64 * 1024 * 1024);
        WorkflowExecutorOptions.Range(problems, "Http.MaxErrorBodyLength", MaxErrorBodyLength, 0, 65536);
        WorkflowExecutorOptions.Range(problems, "Http.MaxRedirects", MaxRedirects, 0, 20);
        WorkflowExecutorOptions.Range(problems, "Http.MaxConcurrencyPerHost", MaxConcurrencyPerHost, 1, 10_000);
        WorkflowExecutorOptions.Range(problems, "Http.PooledConnectionLifetime", PooledConnectionLifetime, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        WorkflowExecutorOptions.Range(problems, "Http.ConnectTimeout", ConnectTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        Network.Validate(problems);
        CircuitBreaker.Validate(problems);
    }
}
