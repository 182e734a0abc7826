using System.Net;
using System.Net.Sockets;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Standalone.Storage;

namespace Serverless.Standalone.Tests.Storage;

/// <summary>
/// <see cref="StorageAvailability"/> through a real Azure pipeline whose HTTP handler refuses, answers or waits as
/// told, and the classification of storage failures.
/// </summary>
public sealed class StorageAvailabilityTests
{
    private static readonly Uri Tables = new("http://127.0.0.1:10002/devstoreaccount1/Tables?sig=secret");

    [Fact]
    public async Task Problem_ConnectionRefusedThenAnswered_ReportsTheServiceUntilItAnswers()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var availability = new StorageAvailability(TimeProvider.System, NullLogger<StorageAvailability>.Instance);
        var handler = new ScriptedHandler();
        var pipeline = Pipeline(availability, handler);

        handler.Next = _ => throw new HttpRequestException("Connection refused (127.0.0.1:10002)", new SocketException((int)SocketError.ConnectionRefused));
        await Assert.ThrowsAsync<RequestFailedException>(() => SendAsync(pipeline, cts.Token));
        var problem = availability.Problem;

        Assert.NotNull(problem);
        Assert.Equal("table", problem.Service);
        Assert.Equal("http://127.0.0.1:10002", problem.Endpoint);
        Assert.Contains("refused", problem.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secret", problem.ToString(), StringComparison.Ordinal);

        // A 404 is an answer: storage is there.
        handler.Next = _ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
        await SendAsync(pipeline, cts.Token);
        Assert.Null(availability.Problem);
    }

    [Fact]
    public async Task Problem_ServerBusyAnswer_CountsAsUnavailable()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var availability = new StorageAvailability(TimeProvider.System, NullLogger<StorageAvailability>.Instance);
        var handler = new ScriptedHandler { Next = _ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)) };

        await SendAsync(Pipeline(availability, handler), cts.Token);

        Assert.Contains("503", availability.Problem?.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Problem_AnswerToAnAttemptStartedBeforeTheFailure_DoesNotClearIt()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var availability = new StorageAvailability(TimeProvider.System, NullLogger<StorageAvailability>.Instance);
        var handler = new ScriptedHandler();
        var pipeline = Pipeline(availability, handler);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        handler.Next = async _ =>
        {
            started.SetResult();
            await release.Task;
            return new HttpResponseMessage(HttpStatusCode.OK);
        };
        var slow = SendAsync(pipeline, cts.Token);
        await started.Task.WaitAsync(cts.Token);

        handler.Next = _ => throw new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused));
        await Assert.ThrowsAsync<RequestFailedException>(() => SendAsync(pipeline, cts.Token));
        release.SetResult();
        await slow;

        Assert.NotNull(availability.Problem);
        handler.Next = _ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        await SendAsync(pipeline, cts.Token);
        Assert.Null(availability.Problem);
    }

    public static TheoryData<Exception, bool> Failures => new()
    {
        { new RequestFailedException(0, "Connection refused", new HttpRequestException("Connection refused")), true },
        { new RequestFailedException(503, "Server busy"), true },
        { new RequestFailedException(500, "Internal error"), true },
        { new RequestFailedException(412, "Condition not met"), false },
        { new RequestFailedException(409, "Conflict"), false },
        { new RequestFailedException(404, "Not found"), false },
        { new AggregateException(new RequestFailedException(0, "refused"), new RequestFailedException(0, "refused")), true },
        { new AggregateException(new RequestFailedException(0, "refused"), new RequestFailedException(412, "ETag")), false },
        { new HttpRequestException("Connection reset"), true },
        { new TaskCanceledException("network timeout", new TimeoutException()), true },
        { new TaskCanceledException("caller gave up"), false },
        { new InvalidOperationException("a bug"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void IsUnavailable_StorageFailure_TellsOutagesFromAnswers(Exception failure, bool unavailable)
        => Assert.Equal(unavailable, StorageErrors.IsUnavailable(failure));

    private static HttpPipeline Pipeline(StorageAvailability availability, HttpMessageHandler handler)
    {
        var options = new TestOptions { Transport = new HttpClientTransport(new HttpClient(handler)) };
        options.Retry.MaxRetries = 0;
        return HttpPipelineBuilder.Build(options, availability.PolicyFor(0));
    }

    private static async Task SendAsync(HttpPipeline pipeline, CancellationToken cancellationToken)
    {
        using var request = pipeline.CreateRequest();
        request.Method = RequestMethod.Get;
        request.Uri.Reset(Tables);
        using var response = await pipeline.SendRequestAsync(request, cancellationToken);
    }

    private sealed class TestOptions : ClientOptions;

    private sealed class ScriptedHandler : HttpMessageHandler
    {
        public Func<HttpRequestMessage, Task<HttpResponseMessage>> Next { get; set; } = _ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Next(request);
    }
}
