using System.Net;
using Microsoft.Extensions.Time.Testing;
using Serverless.Engine.Execution;
using Serverless.Engine.Tests.Infrastructure;
using static Serverless.Engine.Tests.Infrastructure.ExecutionTestKit;

namespace Serverless.Engine.Tests.Execution;

/// <summary>The per-host circuit breaker, driven by virtual time against a real server.</summary>
public sealed class DownstreamHostsTests(FaultServer server) : IClassFixture<FaultServer>, IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    private static void Breaker(WorkflowExecutorOptions o)
    {
        o.Http.CircuitBreaker.MinimumThroughput = 2;
        o.Http.CircuitBreaker.FailureRatio = 0.5;
        o.Http.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
        o.Http.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
    }

    [Fact]
    public async Task ExecuteAsync_RepeatedServerErrors_OpenTheCircuitAndFailFastWithRetryAfter()
    {
        var time = new FakeTimeProvider();
        var logger = new CapturingLogger<HttpNodeExecutor>();
        using var executor = CreateHttpExecutor(Breaker, time, logger: logger);
        server.Reset();
        var failing = HttpWork(new { method = "GET", url = server.Url("status/500") });

        Failed(await executor.ExecuteAsync(failing, Ct), ErrorTypes.HttpError);
        Failed(await executor.ExecuteAsync(failing, Ct), ErrorTypes.HttpError);
        time.Advance(TimeSpan.FromSeconds(10));
        var open = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = server.Url("json") }), Ct);

        var failed = Failed(open, ErrorTypes.CircuitOpen);
        Assert.Equal(TimeSpan.FromSeconds(20), failed.RetryAfter);
        Assert.Equal(2, server.Hits("/status/500"));
        Assert.Equal(0, server.Hits("/json"));
        Assert.Contains(logger.Lines, l => l.StartsWith("3004 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_AfterBreakDuration_HalfOpensAndAProbeSuccessClosesTheCircuit()
    {
        var time = new FakeTimeProvider();
        using var executor = CreateHttpExecutor(Breaker, time);
        server.Reset();
        var failing = HttpWork(new { method = "GET", url = server.Url("status/503") });
        var healthy = HttpWork(new { method = "GET", url = server.Url("json") });
        Failed(await executor.ExecuteAsync(failing, Ct), ErrorTypes.HttpError);
        Failed(await executor.ExecuteAsync(failing, Ct), ErrorTypes.HttpError);
        Failed(await executor.ExecuteAsync(healthy, Ct), ErrorTypes.CircuitOpen);

        time.Advance(TimeSpan.FromSeconds(30));
        var probe = await executor.ExecuteAsync(healthy, Ct);
        var after = await executor.ExecuteAsync(healthy, Ct);

        Succeeded(probe);
        Succeeded(after);
        Assert.Equal(2, server.Hits("/json"));
    }

    [Fact]
    public async Task ExecuteAsync_FailedProbe_OpensTheCircuitAgain()
    {
        var time = new FakeTimeProvider();
        using var executor = CreateHttpExecutor(Breaker, time);
        server.Reset();
        var failing = HttpWork(new { method = "GET", url = server.Url("status/500") });
        Failed(await executor.ExecuteAsync(failing, Ct), ErrorTypes.HttpError);
        Failed(await executor.ExecuteAsync(failing, Ct), ErrorTypes.HttpError);

        time.Advance(TimeSpan.FromSeconds(30));
        Failed(await executor.ExecuteAsync(failing, Ct), ErrorTypes.HttpError);
        var again = await executor.ExecuteAsync(failing, Ct);

        Assert.Equal(TimeSpan.FromSeconds(30), Failed(again, ErrorTypes.CircuitOpen).RetryAfter);
        Assert.Equal(3, server.Hits("/status/500"));
    }

    [Fact]
    public async Task ExecuteAsync_ClientErrors_DoNotOpenTheCircuit()
    {
        var time = new FakeTimeProvider();
        using var executor = CreateHttpExecutor(Breaker, time);
        server.Reset();
        var notFound = HttpWork(new { method = "GET", url = server.Url("status/404") });

        for (var i = 0; i < 4; i++)
        {
            Failed(await executor.ExecuteAsync(notFound, Ct), ErrorTypes.HttpError);
        }

        Assert.Equal(4, server.Hits("/status/404"));
    }

    [Fact]
    public async Task ExecuteAsync_CircuitIsPerHost_OtherHostsStillWork()
    {
        var time = new FakeTimeProvider();
        var resolver = new FakeResolver(new() { ["other.test"] = [IPAddress.Loopback] });
        using var executor = CreateHttpExecutor(Breaker, time, resolver: resolver);
        server.Reset();
        var failing = HttpWork(new { method = "GET", url = server.Url("status/500") });
        Failed(await executor.ExecuteAsync(failing, Ct), ErrorTypes.HttpError);
        Failed(await executor.ExecuteAsync(failing, Ct), ErrorTypes.HttpError);

        var other = await executor.ExecuteAsync(HttpWork(new { method = "GET", url = $"http://other.test:{server.Port}/json" }), Ct);

        Succeeded(other);
    }

    [Fact]
    public void Get_SameHostDifferentPaths_SharesOneEntry()
    {
        using var hosts = new DownstreamHosts(new HttpNodeOptions(), TimeProvider.System, new CapturingLogger<HttpNodeExecutor>());

        Assert.Same(hosts.Get(new Uri("https://API.example.com/a")), hosts.Get(new Uri("https://api.example.com:443/b?c")));
        Assert.NotSame(hosts.Get(new Uri("https://api.example.com/")), hosts.Get(new Uri("http://api.example.com/")));
    }
}
