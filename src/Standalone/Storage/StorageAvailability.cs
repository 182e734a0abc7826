using System.Globalization;
using System.Net.Sockets;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Serverless.Standalone.Storage;

/// <summary>
/// Whether Azure Storage answers, as the host's own requests find it. A pipeline policy on every storage client records
/// each attempt's outcome per service (tables, queues, blobs): a service is unreachable from an attempt that got no
/// answer (or 408, 5xx) until an attempt that started later is answered. The last attempt to start decides, so a slow
/// request that began before a change cannot undo what newer ones found. <c>/healthz</c> reports it and the requests
/// refused for it name it.
/// </summary>
internal sealed class StorageAvailability
{
    private static readonly string[] Services = ["table", "queue", "blob"];
    private readonly ServiceState[] _states = [new(), new(), new()];
    private readonly TimeProvider _time;
    private readonly ILogger<StorageAvailability> _logger;
    private long _lastAttempt = -1;

    public StorageAvailability(TimeProvider time, ILogger<StorageAvailability> logger)
    {
        _time = time;
        _logger = logger;
    }

    /// <summary>The first service found failing, or null while every service answers.</summary>
    public StorageProblem? Problem
    {
        get
        {
            foreach (var state in _states)
            {
                if (Volatile.Read(ref state.Problem) is { } problem)
                {
                    return problem;
                }
            }

            return null;
        }
    }

    /// <summary>Time since the last storage attempt finished, or null before the first.</summary>
    public TimeSpan? SinceLastAttempt => Volatile.Read(ref _lastAttempt) is var last and >= 0 ? _time.GetElapsedTime(last) : null;

    /// <summary>A pipeline policy (per retry) recording one service's attempts: 0 tables, 1 queues, 2 blobs.</summary>
    public HttpPipelinePolicy PolicyFor(int service) => new Policy(this, service);

    private void Answered(int service, long started, int status, RequestUriBuilder uri)
    {
        if (status is 408 or 500 or 502 or 503 or 504)
        {
            Failed(service, started, uri, $"it answered {status.ToString(CultureInfo.InvariantCulture)}");
            return;
        }

        Volatile.Write(ref _lastAttempt, _time.GetTimestamp());
        var state = _states[service];
        long seen;
        while ((seen = Interlocked.Read(ref state.LatestAnswerStart)) < started && Interlocked.CompareExchange(ref state.LatestAnswerStart, started, seen) != seen)
        {
            // Raced with another answer; read again.
        }

        if (Volatile.Read(ref state.Problem) is null)
        {
            return;
        }

        StorageProblem? cleared = null;
        lock (state)
        {
            if (state.Problem is not null && started >= state.ProblemStart)
            {
                cleared = state.Problem;
                Volatile.Write(ref state.Problem, null);
            }
        }

        if (cleared is not null)
        {
            Log.StorageReachable(_logger, cleared.Service, cleared.Endpoint, (_time.GetUtcNow() - cleared.Since).TotalSeconds);
        }
    }

    private void Failed(int service, long started, RequestUriBuilder uri, string reason)
    {
        Volatile.Write(ref _lastAttempt, _time.GetTimestamp());
        var state = _states[service];
        StorageProblem problem;
        lock (state)
        {
            if (started < Interlocked.Read(ref state.LatestAnswerStart))
            {
                // A newer attempt was answered: this one was under way when storage came back.
                return;
            }

            var first = state.Problem is null;
            problem = new StorageProblem(Services[service], $"{uri.Scheme}://{uri.Host}:{uri.Port.ToString(CultureInfo.InvariantCulture)}", reason, first ? _time.GetUtcNow() : state.Problem!.Since);
            state.ProblemStart = first ? started : Math.Max(started, state.ProblemStart);
            Volatile.Write(ref state.Problem, problem);
            if (!first)
            {
                return;
            }
        }

        Log.StorageUnreachable(_logger, problem.Service, problem.Endpoint, problem.Reason);
    }

    /// <summary>What failed, in a few words and without secrets (never the URL's query, a key or a SAS).</summary>
    internal static string Describe(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case SocketException socket:
                    return socket.SocketErrorCode == SocketError.TimedOut ? "the connection timed out" : socket.Message;
                case TimeoutException:
                    return "no answer within the network timeout";
                case HttpRequestException http when http.InnerException is null:
                    return http.Message;
                default:
                    break;
            }
        }

        return exception.GetType().Name;
    }

    private sealed class ServiceState
    {
        /// <summary>Start timestamp of the latest attempt that was answered.</summary>
        public long LatestAnswerStart = -1;

        /// <summary>The current failure, null while the service answers; written under the state's lock.</summary>
        public StorageProblem? Problem;

        /// <summary>Start timestamp of the latest failed attempt of the current problem.</summary>
        public long ProblemStart;
    }

    private sealed class Policy(StorageAvailability owner, int service) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var started = owner._time.GetTimestamp();
            try
            {
                ProcessNext(message, pipeline);
            }
            catch (Exception ex) when (!message.CancellationToken.IsCancellationRequested)
            {
                owner.Failed(service, started, message.Request.Uri, Describe(ex));
                throw;
            }

            owner.Answered(service, started, message.Response.Status, message.Request.Uri);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var started = owner._time.GetTimestamp();
            try
            {
                await ProcessNextAsync(message, pipeline);
            }
            catch (Exception ex) when (!message.CancellationToken.IsCancellationRequested)
            {
                owner.Failed(service, started, message.Request.Uri, Describe(ex));
                throw;
            }

            owner.Answered(service, started, message.Response.Status, message.Request.Uri);
        }
    }
}
