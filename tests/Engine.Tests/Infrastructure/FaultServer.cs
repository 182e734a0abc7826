using System.Collections.Concurrent;
using System.Globalization;
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

namespace Serverless.Engine.Tests.Infrastructure;

/// <summary>A real Kestrel server on 127.0.0.1 (port 0) with fault injection endpoints.</summary>
public sealed class FaultServer : IAsyncLifetime
{
    private WebApplication? _app;
    private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private int _maxInFlight;

    public Uri BaseUri { get; private set; } = null!;

    public int Port => BaseUri.Port;

    /// <summary>Every request as the server saw it: method, path and query, headers, body.</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Completed when a request reaches /slow (set anew by <see cref="Reset"/>).</summary>
    public TaskCompletionSource SlowArrived { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int BlockEntered;

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public string Url(string pathAndQuery) => new Uri(BaseUri, pathAndQuery).ToString();

    public int Hits(string path) => Requests.Count(r => r.Path == path);

    public void Reset()
    {
        Requests.Clear();
        SlowArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        BlockEntered = 0;
        _maxInFlight = 0;
    }

    public void OpenGate() => _gate.TrySetResult();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
    }

    public async Task DisposeAsync()
    {
        OpenGate();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var recorded = new RecordedRequest(
            request.Method,
            request.Path.Value ?? "",
            request.QueryString.Value ?? "",
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            body,
            request.ContentType);
        Requests.Enqueue(recorded);
        var response = context.Response;
        var path = request.Path.Value ?? "";
        var query = request.Query;

        if (path == "/json")
        {
            response.ContentType = "application/json";
            await response.WriteAsync("""{"hello":"world","n":[1,2,3]}""");
        }
        else if (path.StartsWith("/api/workflows/", StringComparison.Ordinal))
        {
            // Stands in for the host's own definitions API (samples/http-echo.json calls it).
            response.ContentType = "application/json; charset=utf-8";
            await response.WriteAsync(JsonSerializer.Serialize(new { name = path["/api/workflows/".Length..], version = 1, nodes = new { } }));
        }
        else if (path == "/text")
        {
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync("plain text");
        }
        else if (path.StartsWith("/echo", StringComparison.Ordinal))
        {
            response.StatusCode = int.TryParse(query["status"], CultureInfo.InvariantCulture, out var s) ? s : 200;
            response.ContentType = "application/json";
            await response.WriteAsync(JsonSerializer.Serialize(recorded));
        }
        else if (path.StartsWith("/status/", StringComparison.Ordinal))
        {
            response.StatusCode = int.Parse(path["/status/".Length..], CultureInfo.InvariantCulture);
            if (query["retryAfter"] is { Count: > 0 } seconds)
            {
                response.Headers.RetryAfter = seconds.ToString();
            }

            if (query["retryAfterDate"] is { Count: > 0 } date)
            {
                response.Headers.RetryAfter = date.ToString();
            }

            response.ContentType = "text/plain";
            await response.WriteAsync(query["body"] is { Count: > 0 } text ? text.ToString() : "failure body");
        }
        else if (path == "/slow")
        {
            SlowArrived.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up, as the test expects.
            }
        }
        else if (path == "/big")
        {
            var bytes = int.Parse(query["bytes"]!, CultureInfo.InvariantCulture);
            if (query["declare"] == "1")
            {
                response.ContentLength = bytes;
            }

            response.ContentType = "text/plain";
            var chunk = new byte[1024];
            Array.Fill(chunk, (byte)'x');
            for (var written = 0; written < bytes; written += chunk.Length)
            {
                await response.Body.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, bytes - written)), context.RequestAborted);
            }
        }
        else if (path == "/redirect")
        {
            response.StatusCode = int.TryParse(query["status"], CultureInfo.InvariantCulture, out var s) ? s : 302;
            response.Headers.Location = query["to"].ToString();
        }
        else if (path == "/block")
        {
            var now = Interlocked.Increment(ref _inFlight);
            Interlocked.Increment(ref BlockEntered);
            int max;
            while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
            {
            }

            try
            {
                await _gate.Task.WaitAsync(context.RequestAborted);
                await response.WriteAsync("released");
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
        else
        {
            response.StatusCode = 404;
        }
    }
}

public sealed record RecordedRequest(
    string Method,
    string Path,
    string Query,
    Dictionary<string, string> Headers,
    string Body,
    string? ContentType);
