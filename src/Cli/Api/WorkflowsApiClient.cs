using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Serverless.Cli.Configuration;

namespace Serverless.Cli.Api;

/// <summary>
/// The <c>/api</c> routes both hosts serve (docs/http-api.md), over one <see cref="HttpClient"/>. The key travels in the
/// <c>x-functions-key</c> header, never in a URL; every non-2xx answer throws <see cref="ApiException"/> with the
/// server's message.
/// </summary>
internal sealed class WorkflowsApiClient : IDisposable
{
    /// <summary>The list route's largest page.</summary>
    public const int MaxPageSize = 1000;

    private const string ContinuationHeader = "x-ms-continuation-token";
    private readonly HttpClient _http;

    public WorkflowsApiClient(CliConnection connection, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var endpoint = connection.Endpoint.AbsoluteUri.EndsWith('/') ? connection.Endpoint : new Uri(connection.Endpoint.AbsoluteUri + "/");
        _http = new HttpClient(new TracingHandler(handler ?? new SocketsHttpHandler { ActivityHeadersPropagator = null }));
        _http.BaseAddress = endpoint;

        // Above the status long-poll's 30 s wait.
        _http.Timeout = TimeSpan.FromSeconds(100);
        if (connection.Key is { Length: > 0 } key)
        {
            _http.DefaultRequestHeaders.Add("x-functions-key", key);
        }

        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("swf", "1"));
    }

    /// <summary>The API's base address.</summary>
    public Uri Endpoint => _http.BaseAddress!;

    /// <summary><c>PUT /api/workflows/{name}</c>: 201 for a new version, 200 when equal to the latest.</summary>
    public Task<ApiResponse> RegisterAsync(string name, string json, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Put, $"api/workflows/{Escape(name)}", json, null, cancellationToken);

    /// <summary><c>GET /api/workflows</c>.</summary>
    public async Task<JsonElement> ListWorkflowsAsync(CancellationToken cancellationToken)
        => (await SendAsync(HttpMethod.Get, "api/workflows", null, null, cancellationToken)).Body;

    /// <summary><c>GET /api/workflows/{name}</c>, or <c>/versions/{version}</c>.</summary>
    public async Task<JsonElement> GetWorkflowAsync(string name, int? version, CancellationToken cancellationToken)
        => (await SendAsync(
            HttpMethod.Get,
            version is { } v ? $"api/workflows/{Escape(name)}/versions/{v.ToString(CultureInfo.InvariantCulture)}" : $"api/workflows/{Escape(name)}",
            null,
            null,
            cancellationToken)).Body;

    /// <summary><c>GET /api/workflows/{name}/diagram?format=mermaid[&amp;version=]</c>: the Mermaid text.</summary>
    public async Task<string> GetMermaidAsync(string name, int? version, CancellationToken cancellationToken)
    {
        var query = version is { } v ? FormattableString.Invariant($"&version={v}") : "";
        using var response = await _http.GetAsync(new Uri($"api/workflows/{Escape(name)}/diagram?format=mermaid{query}", UriKind.Relative), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode ? text : throw ToException(response, text);
    }

    /// <summary><c>POST /api/workflows/{workflow}/instances[?instanceId=&amp;version=]</c>: the check-status payload.</summary>
    public async Task<JsonElement> StartAsync(string workflow, string input, string? instanceId, int? version, CancellationToken cancellationToken)
    {
        var query = new List<string>();
        if (instanceId is not null)
        {
            query.Add("instanceId=" + Uri.EscapeDataString(instanceId));
        }

        if (version is { } v)
        {
            query.Add(FormattableString.Invariant($"version={v}"));
        }

        var path = $"api/workflows/{Escape(workflow)}/instances" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        return (await SendAsync(HttpMethod.Post, path, input, null, cancellationToken)).Body;
    }

    /// <summary><c>GET /api/instances/{id}</c>.</summary>
    public async Task<JsonElement> GetStatusAsync(string id, CancellationToken cancellationToken)
        => (await SendAsync(HttpMethod.Get, $"api/instances/{Escape(id)}", null, null, cancellationToken)).Body;

    /// <summary>
    /// <c>GET /api/instances/{id}?waitForChange=&amp;timeout=</c>: the status once its <c>lastUpdatedTime</c> differs from
    /// <paramref name="lastUpdatedTime"/>, or after <paramref name="timeoutSeconds"/> (1 to 60) unchanged.
    /// </summary>
    public async Task<JsonElement> WaitForChangeAsync(string id, string lastUpdatedTime, int timeoutSeconds, CancellationToken cancellationToken)
    {
        var timeout = Math.Clamp(timeoutSeconds, 1, 60).ToString(CultureInfo.InvariantCulture);
        var path = $"api/instances/{Escape(id)}?waitForChange={Uri.EscapeDataString(lastUpdatedTime)}&timeout={timeout}";
        return (await SendAsync(HttpMethod.Get, path, null, null, cancellationToken)).Body;
    }

    /// <summary>One page of <c>GET /api/instances</c>; the filter's <see cref="InstanceFilter.Workflow"/> is not applied here.</summary>
    public Task<ApiResponse> ListInstancesPageAsync(InstanceFilter filter, int top, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = new List<string> { "top=" + Math.Clamp(top, 1, MaxPageSize).ToString(CultureInfo.InvariantCulture) };
        if (filter.Statuses.Count > 0)
        {
            query.Add("runtimeStatus=" + Uri.EscapeDataString(string.Join(',', filter.Statuses)));
        }

        if (filter.CreatedFrom is { } from)
        {
            query.Add("createdTimeFrom=" + Uri.EscapeDataString(from.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
        }

        if (filter.CreatedTo is { } to)
        {
            query.Add("createdTimeTo=" + Uri.EscapeDataString(to.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
        }

        if (filter.RoutePrefix is { } prefix)
        {
            query.Add("instanceIdPrefix=" + Uri.EscapeDataString(prefix));
        }

        return SendAsync(HttpMethod.Get, "api/instances?" + string.Join('&', query), null, continuationToken, cancellationToken);
    }

    /// <summary>
    /// Every instance <paramref name="filter"/> matches, at most <paramref name="limit"/>, paging through continuation
    /// tokens with pages of <paramref name="pageSize"/>.
    /// </summary>
    public async IAsyncEnumerable<JsonElement> ListInstancesAsync(
        InstanceFilter filter, int? limit, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var returned = 0;
        string? token = null;
        do
        {
            // Without a client-side filter, a page never asks for more than the limit still needs.
            var top = limit is { } max && filter.Workflow is null ? Math.Min(pageSize, max - returned) : pageSize;
            var page = await ListInstancesPageAsync(filter, top, token, cancellationToken);
            foreach (var row in page.Body.ValueKind == JsonValueKind.Array ? page.Body.EnumerateArray() : default)
            {
                if (filter.Workflow is { } workflow && WorkflowOf(row) != workflow)
                {
                    continue;
                }

                yield return row;
                if (++returned == limit)
                {
                    yield break;
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    /// <summary>Every node of <c>GET /api/instances/{id}/nodes</c>, all pages.</summary>
    public async Task<IReadOnlyList<JsonElement>> ListNodesAsync(string id, CancellationToken cancellationToken)
    {
        var nodes = new List<JsonElement>();
        string? token = null;
        do
        {
            var path = $"api/instances/{Escape(id)}/nodes?top=1000" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = (await SendAsync(HttpMethod.Get, path, null, null, cancellationToken)).Body;
            nodes.AddRange(page.GetProperty("nodes").EnumerateArray());
            token = page.TryGetProperty("continuationToken", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (token is not null);
        return nodes;
    }

    /// <summary><c>POST /api/instances/{id}/raiseEvent/{eventName}</c>.</summary>
    public Task<ApiResponse> RaiseEventAsync(string id, string eventName, string data, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, $"api/instances/{Escape(id)}/raiseEvent/{Escape(eventName)}", data, null, cancellationToken);

    /// <summary><c>POST /api/instances/{id}/{action}?reason=</c>, for terminate, suspend and resume.</summary>
    public Task<ApiResponse> ControlAsync(string id, string action, string? reason, CancellationToken cancellationToken)
        => SendAsync(
            HttpMethod.Post,
            $"api/instances/{Escape(id)}/{action}" + (reason is null ? "" : "?reason=" + Uri.EscapeDataString(reason)),
            null,
            null,
            cancellationToken);

    /// <summary><c>POST /api/instances/{id}/rerun</c>.</summary>
    public Task<ApiResponse> RerunAsync(string id, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, $"api/instances/{Escape(id)}/rerun", null, null, cancellationToken);

    /// <summary><c>DELETE /api/instances/{id}</c>.</summary>
    public Task<ApiResponse> PurgeAsync(string id, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Delete, $"api/instances/{Escape(id)}", null, null, cancellationToken);

    /// <summary>The workflow of a status object: <c>customStatus.workflow</c> (Azure Functions names the orchestrator), else <c>name</c>.</summary>
    public static string? WorkflowOf(JsonElement status)
        => status.TryGetProperty("customStatus", out var custom) && custom.ValueKind == JsonValueKind.Object
            && custom.TryGetProperty("workflow", out var workflow) && workflow.ValueKind == JsonValueKind.String
            ? workflow.GetString()
            : status.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;

    public void Dispose() => _http.Dispose();

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private static ApiException ToException(HttpResponseMessage response, string text)
    {
        var status = (int)response.StatusCode;
        var type = response.ReasonPhrase ?? response.StatusCode.ToString();
        var message = text.Trim() is { Length: > 0 } trimmed ? (trimmed.Length > 500 ? trimmed[..500] + "…" : trimmed) : "(no body)";
        var details = new List<(string, string)>();
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                type = error.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : type;
                message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : message;
                if (error.TryGetProperty("details", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    foreach (var detail in list.EnumerateArray().Where(d => d.ValueKind == JsonValueKind.Object))
                    {
                        details.Add((
                            detail.TryGetProperty("path", out var p) ? p.ToString() : "",
                            detail.TryGetProperty("message", out var dm) ? dm.ToString() : ""));
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not an error body of the API (a proxy's page, an empty 400 of the web server): the text itself is the message.
        }

        return new ApiException(status, type, message, details);
    }

    private async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? json, string? continuationToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (continuationToken is not null)
        {
            request.Headers.TryAddWithoutValidation(ContinuationHeader, continuationToken);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach {Endpoint}: {e.Message}", e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw ToException(response, text);
            }

            JsonElement body = default;
            if (text.Length > 0)
            {
                using var document = JsonDocument.Parse(text);
                body = document.RootElement.Clone();
            }

            var token = response.Headers.TryGetValues(ContinuationHeader, out var values) ? values.FirstOrDefault() : null;
            return new ApiResponse((int)response.StatusCode, body, string.IsNullOrEmpty(token) ? null : token);
        }
    }
}
