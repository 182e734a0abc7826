using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Testing;

namespace Serverless.Standalone.Bench.Load;

/// <summary>
/// The standalone host as a child process and the bench's own client on it (keep-alive or a new connection per
/// request), with the calls the scenarios make through the HTTP API.
/// </summary>
internal sealed class LoadHost : IAsyncDisposable
{
    private const string Durable = "/runtime/webhooks/durabletask/instances/";

    private LoadHost(HostProcess process, HttpClient http)
    {
        Process = process;
        Http = http;
    }

    /// <summary>The host process (memory, CPU).</summary>
    public HostProcess Process { get; }

    /// <summary>The bench's client for the measured traffic.</summary>
    public HttpClient Http { get; }

    /// <summary>Starts a host on <paramref name="taskHub"/> with <paramref name="settings"/> (environment variables) and waits until it is healthy.</summary>
    public static async Task<LoadHost> StartAsync(
        string connectionString, string taskHub, IReadOnlyDictionary<string, string> settings, string? hostDll, ClientMode mode, CancellationToken cancellationToken)
    {
        // The same host settings as the A-E bench (the host's defaults, logging at Warning), then the scenario's own.
        var environment = new Dictionary<string, string>(StandaloneHostTarget.Settings);
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        var process = await HostProcess.StartAsync(connectionString, taskHub, cancellationToken, environment, hostDll);
        return new LoadHost(process, BenchHttp.Create(process.Address, mode));
    }

    /// <summary>A host timestamp (<c>createdTime</c>, <c>startedAt</c>, ...) of <paramref name="json"/>.</summary>
    public static DateTimeOffset Time(JsonNode json, string name)
        => DateTimeOffset.Parse(json[name]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>Milliseconds from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static double Ms(DateTimeOffset from, DateTimeOffset to) => (to - from).TotalMilliseconds;

    /// <summary>Registers <paramref name="json"/> (201 new, 200 unchanged).</summary>
    public async Task PutAsync(string json, CancellationToken cancellationToken)
    {
        var name = JsonNode.Parse(json)!["name"]!.GetValue<string>();
        using var response = await Http.PutAsync($"/api/workflows/{name}", new StringContent(json), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT {name} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>Starts <paramref name="count"/> instances of <paramref name="workflow"/> at once, instance i with input i.</summary>
    public async Task<StartedInstance[]> StartAllAsync(string workflow, int count, CancellationToken cancellationToken)
        => await Task.WhenAll(Enumerable.Range(0, count).Select(i => StartAsync(workflow, i, cancellationToken)));

    /// <summary>Starts one instance of <paramref name="workflow"/> with input <paramref name="input"/>.</summary>
    public async Task<StartedInstance> StartAsync(string workflow, int input, CancellationToken cancellationToken)
    {
        var sent = DateTimeOffset.UtcNow;
        using var response = await Http.PostAsync(
            $"/api/workflows/{workflow}/instances", new StringContent(input.ToString(CultureInfo.InvariantCulture)), cancellationToken);
        var acked = DateTimeOffset.UtcNow;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if ((int)response.StatusCode != 202)
        {
            throw new InvalidOperationException($"starting {workflow} answered {(int)response.StatusCode}: {body}");
        }

        return new StartedInstance(JsonNode.Parse(body)!["id"]!.GetValue<string>(), input, sent, acked);
    }

    /// <summary>
    /// The final status of every instance of <paramref name="ids"/>, waiting for one at a time in order with the status
    /// long-poll (<c>waitForChange</c>), so waiting adds one request in flight at most to the host it measures.
    /// </summary>
    public async Task<JsonObject[]> WaitAllAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var result = new JsonObject[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            result[i] = await WaitAsync(ids[i], cancellationToken);
        }

        return result;
    }

    /// <summary>The status of <paramref name="id"/> once it is final (Completed, Failed or Terminated).</summary>
    public async Task<JsonObject> WaitAsync(string id, CancellationToken cancellationToken)
    {
        string? seen = null;
        while (true)
        {
            var status = await StatusAsync(id, seen, cancellationToken);
            if (IsFinal(status))
            {
                return status;
            }

            seen = status["lastUpdatedTime"]!.GetValue<string>();
        }
    }

    /// <summary>The status of <paramref name="id"/>; with <paramref name="waitForChange"/>, once its <c>lastUpdatedTime</c> differs (or after 30 s).</summary>
    public async Task<JsonObject> StatusAsync(string id, string? waitForChange, CancellationToken cancellationToken)
    {
        var query = waitForChange is null ? "?showInput=false" : $"?showInput=false&timeout=30&waitForChange={Uri.EscapeDataString(waitForChange)}";
        using var response = await Http.GetAsync(Durable + id + query, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if ((int)response.StatusCode is not (200 or 202))
        {
            throw new InvalidOperationException($"status of {id} answered {(int)response.StatusCode}: {body}");
        }

        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Whether <paramref name="status"/> is final.</summary>
    public static bool IsFinal(JsonObject status) => status["runtimeStatus"]!.GetValue<string>() is "Completed" or "Failed" or "Terminated";

    /// <summary>Every node detail of <paramref name="id"/> (all pages).</summary>
    public async Task<List<JsonObject>> NodesAsync(string id, CancellationToken cancellationToken)
    {
        var nodes = new List<JsonObject>();
        string? token = null;
        do
        {
            var page = await Http.GetFromJsonAsync<JsonObject>(
                $"/api/instances/{id}/nodes?top=1000" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)), cancellationToken);
            nodes.AddRange(page!["nodes"]!.AsArray().Select(n => n!.AsObject()));
            token = page["continuationToken"]?.GetValue<string>();
        }
        while (token is not null);
        return nodes;
    }

    /// <summary>
    /// POSTs <paramref name="path"/> (suspend, resume, raiseEvent) with <paramref name="body"/> and answers the status
    /// code and when the request was sent and answered (bench clock).
    /// </summary>
    public async Task<(int Status, DateTimeOffset Sent, DateTimeOffset Acked)> PostAsync(string path, string body, CancellationToken cancellationToken)
    {
        var sent = DateTimeOffset.UtcNow;
        using var response = await Http.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"), cancellationToken);
        var acked = DateTimeOffset.UtcNow;
        return ((int)response.StatusCode, sent, acked);
    }

    /// <summary>The host's storage request counters (<c>/healthz</c>).</summary>
    public async Task<RequestCounts> CountersAsync(CancellationToken cancellationToken)
        => RequestCounts.FromHealth((JsonObject)(await Http.GetFromJsonAsync<JsonObject>("/healthz", cancellationToken))!["counters"]!);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Process.DisposeAsync();
    }
}
