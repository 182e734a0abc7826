using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Serverless.Testing;

/// <summary>A request as <see cref="LoopbackEchoServer"/> received it: path and query decoded, header names lower case.</summary>
internal sealed record EchoedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// A real Kestrel server on 127.0.0.1 (port 0) that records every request and answers it with the request as JSON
/// (<see cref="EchoedRequest"/>): the downstream service of http nodes in host tests.
/// </summary>
internal sealed class LoopbackEchoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackEchoServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    /// <summary>The server's address, <c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>Every request received, in arrival order.</summary>
    public ConcurrentQueue<EchoedRequest> Requests { get; } = new();

    /// <summary>Starts the server.</summary>
    public static async Task<LoopbackEchoServer> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        LoopbackEchoServer? server = null;
        app.Run(async context =>
        {
            var request = context.Request;
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var echoed = new EchoedRequest(
                request.Method,
                request.Path.Value ?? "",
                Uri.UnescapeDataString(request.QueryString.Value ?? ""),
                request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal),
                await reader.ReadToEndAsync(context.RequestAborted));
            server!.Requests.Enqueue(echoed);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(echoed), context.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new LoopbackEchoServer(app, new Uri(address.TrimEnd('/') + "/"));
        return server;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
