using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Serverless.Engine.Definitions;
using Serverless.Engine.Telemetry;

namespace Serverless.Engine.Execution;

/// <summary>
/// Runs one attempt of an <c>http</c> node: resolves secrets, builds the request, sends it through the network guard,
/// the per-host concurrency limit and circuit breaker, follows redirects itself, and maps the result to a
/// <see cref="NodeOutcome"/>. It never retries and never sleeps: retries are the decider's durable timers.
/// </summary>
internal sealed class HttpNodeExecutor : IDisposable
{
    private static readonly HashSet<string> KnownMethods = new(StringComparer.Ordinal) { "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT" };

    private readonly HttpNodeOptions _options;
    private readonly TimeProvider _time;
    private readonly ISecretProvider _secrets;
    private readonly IAccessTokenProvider? _tokens;
    private readonly ILogger _logger;
    private readonly HttpClient _client;
    private readonly HttpClient _freshClient;

    public HttpNodeExecutor(
        IOptions<WorkflowExecutorOptions> options,
        TimeProvider timeProvider,
        ISecretProvider secrets,
        IHostResolver resolver,
        ILogger<HttpNodeExecutor> logger,
        IAccessTokenProvider? tokens = null)
    {
        _options = WorkflowExecutorOptions.Validated(options).Http;
        _time = timeProvider;
        _secrets = secrets;
        _tokens = tokens;
        _logger = logger;
        Guard = new NetworkGuard(_options.Network, resolver);
        Hosts = new DownstreamHosts(_options, timeProvider, logger);

        // One pooled client for this configuration, and one that never reuses a connection (for hosts that close
        // theirs, and to send again a request whose pooled connection turned out closed). Redirects, proxies and
        // cookies are off: redirects are followed here so each hop is checked, and a proxy would make the guard check
        // the proxy instead of the target.
        _client = CreateClient(_options.PooledConnectionLifetime);
        _freshClient = CreateClient(TimeSpan.Zero);
    }

    private HttpClient CreateClient(TimeSpan connectionLifetime) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,

        // The executor sets traceparent itself, to the attempt's span (see Attempt.Propagate).
        ActivityHeadersPropagator = null,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = connectionLifetime,
        ConnectTimeout = _options.ConnectTimeout,
        ConnectCallback = Guard.ConnectAsync,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    internal NetworkGuard Guard { get; }

    internal DownstreamHosts Hosts { get; }

    public void Dispose()
    {
        _client.Dispose();
        _freshClient.Dispose();
        Hosts.Dispose();
    }

    public async Task<NodeOutcome> ExecuteAsync(NodeWork work, CancellationToken cancellationToken)
    {
        var node = work.Node as HttpNode
            ?? throw new ArgumentException($"Node '{work.Node.Id}' is a {work.Node.GetType().Name}, not an http node.", nameof(work));
        var redactor = new SecretRedactor();
        var started = _time.GetTimestamp();
        var timeout = work.Command.Timeout ?? node.Timeout ?? _options.DefaultTimeout;
        using var timeoutSource = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var propagation = work.Propagation();
        var attempt = new Attempt(work, node, redactor, timeout, linked.Token, timeoutSource.Token, cancellationToken)
        {
            Span = Activity.Current is { } current && current.Source == WorkflowTelemetry.Current.Source ? current : null,
            TraceParent = propagation.TraceParent,
            TraceState = propagation.TraceState,
        };

        NodeOutcome outcome;
        try
        {
            outcome = await RunAsync(attempt).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            outcome = TimedOut(attempt, attempt.Display ?? node.Id);
        }

        var elapsed = (long)_time.GetElapsedTime(started).TotalMilliseconds;
        switch (outcome)
        {
            case NodeOutcome.Succeeded success:
                outcome = NodeOutcome.Success(redactor.Redact(success.Output));
                Log.HttpRequestSucceeded(
                    _logger, work.Command.Path, work.InstanceId, attempt.Method, redactor.Redact(attempt.Display ?? ""), attempt.FinalStatus, elapsed);
                break;
            case NodeOutcome.Failed failed:
                var error = redactor.Redact(failed.Error);
                outcome = NodeOutcome.Failure(error, failed.RetryAfter);
                Log.HttpRequestFailed(_logger, work.Command.Path, work.InstanceId, error.Type, elapsed, error.Message);
                break;
        }

        attempt.Describe(outcome);
        return outcome;
    }

    /// <summary>The name of an http node attempt's client span: <c>{method} {node id}</c> (the node stands for the URL template).</summary>
    internal static string SpanName(NodeWork work)
    {
        var method = work.Command.Input.ValueKind == JsonValueKind.Object
            && work.Command.Input.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String
                ? m.GetString()!.ToUpperInvariant()
                : "GET";
        return $"{(KnownMethods.Contains(method) ? method : "HTTP")} {work.Node.Id}";
    }

    private async Task<NodeOutcome> RunAsync(Attempt attempt)
    {
        var (work, node, redactor) = (attempt.Work, attempt.Node, attempt.Redactor);
        var request = work.Command.Input;

        // Secrets: only the definition's own references the decider reported, resolved now, per attempt, and registered
        // for redaction before anything can echo them.
        var references = work.Command.Secrets ?? [];
        if (references.Count == 0 && node.Request.UsesSecrets)
        {
            return NodeOutcome.Failure(new WorkflowError(
                ErrorTypes.ValidationError,
                $"{node.Pointer}/request: the attempt carries no secret references although the request uses secrets (it was scheduled by an earlier version); retry the node",
                ExecutionJson.Object(w => w.WriteString("path", $"{node.Pointer}/request"))));
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in references.Select(r => r.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var value = await _secrets.GetSecretAsync(name, attempt.Token).ConfigureAwait(false);
            if (value is null)
            {
                Log.SecretMissing(_logger, work.Command.Path, work.InstanceId, name);
                return NodeOutcome.Failure(new WorkflowError(
                    ErrorTypes.ValidationError,
                    $"{node.Pointer}/request: secret '{name}' is not configured (the default provider reads configuration key '{ConfigurationSecretProvider.Section}:{name}')",
                    ExecutionJson.Object(w =>
                    {
                        w.WriteString("path", $"{node.Pointer}/request");
                        w.WriteString("secret", name);
                    })));
            }

            redactor.Add(value);
            values[name] = value;
        }

        if (!RequestSecrets.TryCreate(request, $"{node.Pointer}/request", references, values, out var secrets, out var problem))
        {
            return NodeOutcome.Failure(new WorkflowError(
                ErrorTypes.ValidationError,
                $"{node.Pointer}/request: {problem}",
                ExecutionJson.Object(w => w.WriteString("path", $"{node.Pointer}/request"))));
        }

        if (!HttpRequestPlan.TryCreate(request, $"{node.Pointer}/request", secrets, out var plan, out var invalid))
        {
            return NodeOutcome.Failure(invalid);
        }

        attempt.Method = plan.Method.Method;

        // Messages show the URL as written (secret tokens intact, query cut), never the resolved one.
        attempt.Display = WrittenUrl(request);
        Log.HttpRequestStarting(_logger, work.Command.Path, work.InstanceId, attempt.Method, redactor.Redact(attempt.Display));

        if (node.ManagedIdentityResource is { } resource)
        {
            if (_tokens is null)
            {
                return NodeOutcome.Failure(new WorkflowError(
                    ErrorTypes.ValidationError,
                    $"{node.Pointer}/auth: managed identity auth is not available in this host (no IAccessTokenProvider is registered)",
                    ExecutionJson.Object(w => w.WriteString("path", $"{node.Pointer}/auth"))));
            }

            string token;
            try
            {
                token = await _tokens.GetAccessTokenAsync(resource, attempt.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return NodeOutcome.Failure(new WorkflowError(
                    ErrorTypes.NetworkError,
                    $"could not get a managed identity token for '{resource}': {ex.Message}",
                    ExecutionJson.Object(w => w.WriteString("resource", resource))));
            }

            redactor.Add(token);
            plan.SetHeader("Authorization", $"Bearer {token}", sensitive: true);
        }

        if (node.IdempotencyKeyHeader is { } keyHeader)
        {
            plan.SetHeader(keyHeader, work.Command.Key, sensitive: false);
        }

        return await SendAsync(attempt, plan).ConfigureAwait(false);
    }

    private async Task<NodeOutcome> SendAsync(Attempt attempt, HttpRequestPlan plan)
    {
        var hop = new Hop(this, attempt, plan, plan.Uri, plan.Method, WithBody: true, CrossOrigin: false);
        for (var redirects = 0; ; redirects++)
        {
            if (redirects > 0)
            {
                attempt.Display = Display(hop.Uri);
            }

            attempt.Target = hop.Uri;
            var host = Hosts.Get(hop.Uri);
            try
            {
                await host.EnterAsync(attempt.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (attempt.TimeoutToken.IsCancellationRequested && !attempt.HostToken.IsCancellationRequested)
            {
                return TimedOut(attempt, $"{attempt.Display} (still waiting for one of {_options.MaxConcurrencyPerHost} request slots to {host.Name})");
            }

            HopResult result;
            try
            {
                result = await host.Pipeline.ExecuteAsync(
                        static (state, ct) => new ValueTask<HopResult>(state.Hop.Executor.SendHopAsync(state.Hop, state.Host, ct)), (Hop: hop, Host: host), attempt.Token)
                    .ConfigureAwait(false);
            }
            catch (BrokenCircuitException ex)
            {
                return NodeOutcome.Failure(
                    new WorkflowError(
                        ErrorTypes.CircuitOpen,
                        ex.RetryAfter is { } wait
                            ? $"the circuit for {host.Name} is open after repeated failures; it half-opens in {wait}"
                            : $"the circuit for {host.Name} is open after repeated failures",
                        ExecutionJson.Object(w =>
                        {
                            w.WriteString("host", host.Name);
                            if (ex.RetryAfter is { } after)
                            {
                                w.WriteNumber("retryAfter", after.TotalSeconds);
                            }
                        })),
                    ex.RetryAfter);
            }
            finally
            {
                host.Exit();
            }

            switch (result.Kind)
            {
                case HopKind.Redirect:
                    if (redirects >= _options.MaxRedirects)
                    {
                        return NodeOutcome.Failure(new WorkflowError(
                            ErrorTypes.NetworkError,
                            $"{attempt.Method} {attempt.Display} redirected more than {_options.MaxRedirects} times",
                            ExecutionJson.Object(w => w.WriteNumber("redirects", redirects + 1))));
                    }

                    var next = new Uri(hop.Uri, result.Location!);
                    if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
                    {
                        return NodeOutcome.Failure(new WorkflowError(
                            ErrorTypes.NetworkError,
                            $"{attempt.Method} {attempt.Display} redirected to a '{next.Scheme}' URL; only http and https are followed"));
                    }

                    // 303, and 301/302 after a POST, turn into GET without a body (as browsers and HttpClient do).
                    var toGet = result.Status == 303 || (result.Status is 301 or 302 && hop.Method == HttpMethod.Post);
                    hop = hop with
                    {
                        Uri = next,
                        Method = toGet ? HttpMethod.Get : hop.Method,
                        WithBody = hop.WithBody && !toGet,
                        CrossOrigin = hop.CrossOrigin || !SameOrigin(plan.Uri, next),
                    };
                    continue;
                case HopKind.Response:
                    attempt.FinalStatus = result.Status;
                    return attempt.Node.SuccessCodes.Any(r => r.Contains(result.Status))
                        ? NodeOutcome.Success(Output(result, attempt.Redactor))
                        : HttpFailure(attempt, result);
                case HopKind.TooLarge:
                    return NodeOutcome.Failure(new WorkflowError(
                        ErrorTypes.OutputTooLarge,
                        result.DeclaredLength is { } declared
                            ? $"the response body of {attempt.Method} {attempt.Display} is {declared} bytes, over the limit of {_options.MaxResponseBytes} bytes (Http.MaxResponseBytes)"
                            : $"the response body of {attempt.Method} {attempt.Display} is over the limit of {_options.MaxResponseBytes} bytes (Http.MaxResponseBytes)",
                        ExecutionJson.Object(w =>
                        {
                            w.WriteNumber("status", result.Status);
                            w.WriteNumber("limit", _options.MaxResponseBytes);
                        })));
                case HopKind.TimedOut:
                    return TimedOut(attempt, attempt.Display ?? "");
                case HopKind.Blocked:
                    var blocked = result.Blocked!;
                    Log.AddressBlocked(_logger, blocked.Address.ToString(), blocked.Range, attempt.Redactor.Redact(blocked.Host));
                    return NodeOutcome.Failure(new WorkflowError(
                        ErrorTypes.NetworkError,
                        $"{attempt.Method} {attempt.Display}: {blocked.Message}",
                        ExecutionJson.Object(w =>
                        {
                            w.WriteString("host", blocked.Host);
                            w.WriteString("address", blocked.Address.ToString());
                            w.WriteString("range", blocked.Range);
                        })));
                default:
                    var ex2 = result.Exception!;
                    return NodeOutcome.Failure(new WorkflowError(
                        ErrorTypes.NetworkError,
                        $"{attempt.Method} {attempt.Display} failed: {Describe(ex2)}",
                        ExecutionJson.Object(w =>
                        {
                            w.WriteString("reason", ex2 is HttpRequestException http ? http.HttpRequestError.ToString() : ex2.GetType().Name);
                        })));
            }
        }
    }

    private async Task<HopResult> SendHopAsync(Hop hop, DownstreamHost host, CancellationToken cancellationToken)
    {
        var attempt = hop.Attempt;
        var request = attempt.Propagate(hop.Plan.CreateMessage(hop.Uri, hop.Method, hop.WithBody, hop.CrossOrigin));
        try
        {
            HttpResponseMessage sent;
            if (host.ClosesConnections)
            {
                sent = await _freshClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                try
                {
                    sent = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                }
                catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ResponseEnded)
                {
                    // The connection ended before any response: a pooled connection the server had closed meanwhile
                    // (an HTTP/1.0 server closes after each answer without saying so). Once more on a new connection.
                    request.Dispose();
                    request = attempt.Propagate(hop.Plan.CreateMessage(hop.Uri, hop.Method, hop.WithBody, hop.CrossOrigin));
                    sent = await _freshClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                }
            }

            using var response = sent;
            if (response.Version == HttpVersion.Version10
                && !response.Headers.Connection.Contains("keep-alive", StringComparer.OrdinalIgnoreCase))
            {
                host.ClosesConnections = true;
            }

            var status = (int)response.StatusCode;
            var success = attempt.Node.SuccessCodes.Any(r => r.Contains(status));
            if (!success && status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location && _options.MaxRedirects > 0)
            {
                return new HopResult(HopKind.Redirect) { Status = status, Location = location };
            }

            var declared = response.Content.Headers.ContentLength;
            if (success && declared > _options.MaxResponseBytes && hop.Method != HttpMethod.Head)
            {
                return new HopResult(HopKind.TooLarge) { Status = status, DeclaredLength = declared };
            }

            var (body, overLimit) = await ReadLimitedAsync(response.Content, _options.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
            if (success && overLimit)
            {
                return new HopResult(HopKind.TooLarge) { Status = status };
            }

            var headers = response.Headers.Concat(response.Content.Headers)
                .Select(h => new KeyValuePair<string, string>(
                    h.Key.ToLowerInvariant(),
                    string.Join(h.Key.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase) ? "\n" : ", ", h.Value)))
                .ToList();
            return new HopResult(HopKind.Response)
            {
                Status = status,
                ReasonPhrase = response.ReasonPhrase,
                Headers = headers,
                Body = body,
                ContentType = response.Content.Headers.ContentType?.ToString(),
                RetryAfter = status is 429 or 503 ? RetryAfter(response) : null,
            };
        }
        catch (OperationCanceledException) when (attempt.TimeoutToken.IsCancellationRequested && !attempt.HostToken.IsCancellationRequested)
        {
            return new HopResult(HopKind.TimedOut);
        }
        catch (OperationCanceledException ex) when (!attempt.HostToken.IsCancellationRequested)
        {
            // Not the attempt's deadline and not the host: the handler's own connect timeout.
            return new HopResult(HopKind.NetworkFailure) { Exception = ex.InnerException as TimeoutException ?? new TimeoutException("The connection attempt timed out.", ex) };
        }
        catch (HttpRequestException ex)
        {
            return Find<BlockedAddressException>(ex) is { } blocked
                ? new HopResult(HopKind.Blocked) { Blocked = blocked }
                : new HopResult(HopKind.NetworkFailure) { Exception = ex };
        }
        catch (IOException ex)
        {
            return new HopResult(HopKind.NetworkFailure) { Exception = ex };
        }
        finally
        {
            request.Dispose();
        }
    }

    private static async Task<(byte[] Body, bool OverLimit)> ReadLimitedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit + 1L - buffer.Length)), cancellationToken)
                           .ConfigureAwait(false)) > 0)
                {
                    buffer.Write(chunk, 0, read);
                    if (buffer.Length > limit)
                    {
                        return (buffer.GetBuffer().AsSpan(0, limit).ToArray(), true);
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }

            return (buffer.ToArray(), false);
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static JsonElement Output(HopResult result, SecretRedactor redactor) => ExecutionJson.Object(w =>
    {
        w.WriteNumber("status", result.Status);
        w.WriteStartObject("headers");
        foreach (var (name, value) in result.Headers)
        {
            w.WriteString(name, value);
        }

        w.WriteEndObject();
        w.WritePropertyName("body");
        WriteBody(w, result, redactor);
    });

    private static void WriteBody(Utf8JsonWriter writer, HopResult result, SecretRedactor redactor)
    {
        if (result.Body.Length == 0)
        {
            writer.WriteNullValue();
            return;
        }

        if (result.ContentType is { } contentType && HttpRequestPlan.MediaType(contentType) is { } mediaType && HttpRequestPlan.IsJson(mediaType))
        {
            try
            {
                using var document = JsonDocument.Parse(result.Body);
                document.RootElement.WriteTo(writer);
                return;
            }
            catch (JsonException)
            {
                // A body labelled JSON that is not: hand it back as text.
            }
        }

        writer.WriteStringValue(redactor.Redact(Text(result)));
    }

    private NodeOutcome HttpFailure(Attempt attempt, HopResult result)
    {
        var text = attempt.Redactor.Redact(Text(result));
        var truncated = text.Length > _options.MaxErrorBodyLength;
        var body = truncated ? text[.._options.MaxErrorBodyLength] : text;
        var reason = string.IsNullOrEmpty(result.ReasonPhrase) ? "" : $" ({result.ReasonPhrase})";
        return NodeOutcome.Failure(
            new WorkflowError(
                ErrorTypes.HttpError,
                $"{attempt.Method} {attempt.Display} answered {result.Status}{reason}",
                ExecutionJson.Object(w =>
                {
                    w.WriteNumber("status", result.Status);
                    if (body.Length > 0)
                    {
                        w.WriteString("body", body);
                    }

                    if (truncated)
                    {
                        w.WriteBoolean("bodyTruncated", true);
                    }

                    if (result.RetryAfter is { } after)
                    {
                        w.WriteNumber("retryAfter", after.TotalSeconds);
                    }
                })),
            result.RetryAfter);
    }

    private static string Text(HopResult result)
    {
        var encoding = Encoding.UTF8;
        if (result.ContentType is { } contentType
            && System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            && parsed.CharSet is { Length: > 0 } charset)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"'));
            }
            catch (ArgumentException)
            {
                // Unknown charset: fall back to UTF-8.
            }
        }

        return encoding.GetString(result.Body);
    }

    private static NodeOutcome TimedOut(Attempt attempt, string what) =>
        NodeOutcome.Failure(new WorkflowError(
            ErrorTypes.Timeout,
            string.IsNullOrEmpty(attempt.Method)
                ? $"http node '{attempt.Node.Id}' did not complete within {attempt.Timeout}"
                : $"{attempt.Method} {what} did not complete within {attempt.Timeout}",
            ExecutionJson.Object(w => w.WriteNumber("timeout", attempt.Timeout.TotalSeconds))));

    /// <summary>The URL as shown in messages: no query string (it often carries keys), no user info.</summary>
    private static string Display(Uri uri) => uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

    private static string WrittenUrl(JsonElement request)
    {
        var url = request.GetProperty("url").GetString()!;
        var cut = url.IndexOfAny(['?', '#']);
        return cut >= 0 ? url[..cut] : url;
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && a.Port == b.Port && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase);

    private static string Describe(Exception ex)
    {
        var message = ex.Message;
        if (ex.InnerException is { } inner && !message.Contains(inner.Message, StringComparison.Ordinal))
        {
            message = $"{message} {inner.Message}";
        }

        return message;
    }

    private static T? Find<T>(Exception? ex)
        where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }
        }

        return null;
    }

    private sealed class Attempt(
        NodeWork work,
        HttpNode node,
        SecretRedactor redactor,
        TimeSpan timeout,
        CancellationToken token,
        CancellationToken timeoutToken,
        CancellationToken hostToken)
    {
        public NodeWork Work { get; } = work;

        public HttpNode Node { get; } = node;

        public SecretRedactor Redactor { get; } = redactor;

        public TimeSpan Timeout { get; } = timeout;

        /// <summary>Cancelled by the attempt timeout or by the host.</summary>
        public CancellationToken Token { get; } = token;

        public CancellationToken TimeoutToken { get; } = timeoutToken;

        public CancellationToken HostToken { get; } = hostToken;

        public string Method { get; set; } = "";

        public string? Display { get; set; }

        public int FinalStatus { get; set; }

        /// <summary>The URL of the last request sent (the redirect target after a redirect).</summary>
        public Uri? Target { get; set; }

        /// <summary>The attempt's client span; null when nobody records it.</summary>
        public Activity? Span { get; init; }

        /// <summary>The W3C trace context sent with every request of the attempt (see <see cref="NodeWork.Propagation"/>).</summary>
        public string? TraceParent { get; init; }

        /// <inheritdoc cref="TraceParent"/>
        public string? TraceState { get; init; }

        /// <summary>
        /// Sets W3C <c>traceparent</c> (and <c>tracestate</c>) to the attempt's span, or to the instance's run span when
        /// the attempt is not recorded, replacing any the request carried.
        /// </summary>
        public HttpRequestMessage Propagate(HttpRequestMessage request)
        {
            request.Headers.Remove("traceparent");
            request.Headers.Remove("tracestate");
            if (TraceParent is { } parent)
            {
                request.Headers.TryAddWithoutValidation("traceparent", parent);
                if (!string.IsNullOrEmpty(TraceState))
                {
                    request.Headers.TryAddWithoutValidation("tracestate", TraceState);
                }
            }

            return request;
        }

        /// <summary>Puts the stable HTTP client attributes on the span: no query string, user info or secret value.</summary>
        public void Describe(NodeOutcome outcome)
        {
            if (Span is not { } span)
            {
                return;
            }

            span.SetTag("http.request.method", string.IsNullOrEmpty(Method) ? "_OTHER" : Method);
            if (Display is { } display)
            {
                span.SetTag("url.full", Redactor.Redact(display));
            }

            if (Target is { } target)
            {
                span.SetTag("server.address", Redactor.Redact(target.IdnHost));
                span.SetTag("server.port", target.Port);
            }

            if (FinalStatus > 0)
            {
                span.SetTag("http.response.status_code", FinalStatus);
            }

            if (outcome is NodeOutcome.Failed failed)
            {
                span.SetTag(TraceAttributes.ErrorType, FinalStatus >= 400 ? FinalStatus.ToString(CultureInfo.InvariantCulture) : failed.Error.Type);
            }
        }
    }

    private sealed record Hop(HttpNodeExecutor Executor, Attempt Attempt, HttpRequestPlan Plan, Uri Uri, HttpMethod Method, bool WithBody, bool CrossOrigin);
}
