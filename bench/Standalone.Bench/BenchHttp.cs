namespace Serverless.Standalone.Bench;

/// <summary>How the bench's HTTP client uses connections.</summary>
internal enum ClientMode
{
    /// <summary>Pooled keep-alive connections (up to 64 at once), as a long-lived client or SDK would.</summary>
    KeepAlive,

    /// <summary>
    /// A new TCP connection for every request: each request says <c>Connection: close</c>, so the host closes the
    /// connection after answering and the next request connects again, as a script calling <c>curl</c> would.
    /// </summary>
    NewConnection,
}

/// <summary>The bench's HTTP clients.</summary>
internal static class BenchHttp
{
    /// <summary>The name a table shows for <paramref name="mode"/>.</summary>
    public static string Label(this ClientMode mode) => mode == ClientMode.KeepAlive ? "keep-alive" : "new connection per request";

    /// <summary>Parses <c>keep-alive</c> or <c>new-connection</c>.</summary>
    public static ClientMode Parse(string value) => value.ToLowerInvariant() switch
    {
        "keep-alive" => ClientMode.KeepAlive,
        "new-connection" => ClientMode.NewConnection,
        _ => throw new ArgumentException($"Unknown client mode '{value}'; use keep-alive or new-connection."),
    };

    /// <summary>A client on <paramref name="address"/> in <paramref name="mode"/>, with a 5-minute timeout.</summary>
    public static HttpClient Create(Uri address, ClientMode mode)
    {
        var sockets = new SocketsHttpHandler { MaxConnectionsPerServer = 64 };
        HttpMessageHandler handler = mode == ClientMode.KeepAlive ? sockets : new CloseEachConnection(sockets);
        return new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
    }

    private sealed class CloseEachConnection(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.ConnectionClose = true;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
