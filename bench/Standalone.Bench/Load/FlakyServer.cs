using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Serverless.Standalone.Bench.Load;

/// <summary>
/// A Kestrel server on 127.0.0.1 (port 0): <c>GET /flaky</c> answers 503 (no <c>Retry-After</c>) to a share of the
/// calls drawn from a seeded <see cref="Random"/> and 200 <c>{"ok":true}</c> otherwise, and counts both, and how often
/// each idempotency key (header <see cref="KeyHeader"/>: instance, node, attempt) arrived.
/// </summary>
internal sealed class FlakyServer : IAsyncDisposable
{
    /// <summary>The header the http nodes send their idempotency key in.</summary>
    public const string KeyHeader = "Idempotency-Key";

    private readonly ConcurrentDictionary<string, int> _keys = new(StringComparer.Ordinal);
    private readonly WebApplication _app;
    private readonly Random _random;
    private readonly Lock _lock = new();
    private readonly double _failureRate;
    private long _calls;
    private long _failures;

    private FlakyServer(WebApplication app, double failureRate, int seed)
    {
        _app = app;
        _failureRate = failureRate;
        _random = new Random(seed);
    }

    /// <summary>The URL of the flaky route.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Calls answered so far, and how many of them with 503.</summary>
    public (long Calls, long Failures) Counts => (Interlocked.Read(ref _calls), Interlocked.Read(ref _failures));

    /// <summary>Calls per idempotency key since <see cref="ResetKeys"/>.</summary>
    public IReadOnlyDictionary<string, int> Keys => _keys;

    /// <summary>Forgets the keys seen so far (between the warm-up and the measured run).</summary>
    public void ResetKeys() => _keys.Clear();

    /// <summary>Starts the server.</summary>
    public static async Task<FlakyServer> StartAsync(double failureRate, int seed, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FlakyServer(app, failureRate, seed);
        app.MapGet("/flaky", server.Answer);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Url = new Uri(address.TrimEnd('/') + "/flaky");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private IResult Answer(HttpRequest request)
    {
        _keys.AddOrUpdate(request.Headers[KeyHeader].ToString(), 1, (_, n) => n + 1);
        bool fail;
        lock (_lock)
        {
            fail = _random.NextDouble() < _failureRate;
        }

        Interlocked.Increment(ref _calls);
        if (fail)
        {
            Interlocked.Increment(ref _failures);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        return Results.Text("""{"ok":true}""", "application/json");
    }
}
