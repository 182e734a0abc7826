using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Serverless.Standalone.Tests.Infrastructure;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Standalone.Tests.Runtime;

/// <summary>
/// A storage outage under load: Azurite (with its data on disk) is stopped cleanly while a real host process runs 100
/// instances through node work, in-memory and queued timers and raised events, then started again on the same ports
/// and data. The host is never restarted.
/// </summary>
public sealed class StorageOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Count = 100;

    /// <summary>
    /// Echo, a 1 s timer (in memory), echo, a 4 s timer (beyond the test's 2 s in-memory window: a delayed queue
    /// message) and an event; the output is 2n + the event's payload, so a lost node result, timer or event shows.
    /// </summary>
    private const string Outage = """
        {"name":"outage","nodes":{
          "a":{"type":"activity","activity":"echo","input":"${{ input.n }}"},
          "near":{"type":"wait","duration":"PT1S","runAfter":["a"]},
          "b":{"type":"activity","activity":"echo","input":"${{ nodes.a.output * 2 }}","runAfter":["near"]},
          "far":{"type":"wait","duration":"PT4S","runAfter":["b"]},
          "go":{"type":"event","event":"go"},
          "c":{"type":"activity","activity":"echo","input":"${{ nodes.b.output + nodes.go.output }}","runAfter":["far","go"]}},
         "output":"${{ nodes.c.output }}"}
        """;

    private readonly string _data = Path.Combine(Path.GetTempPath(), "azurite-outage-" + Guid.NewGuid().ToString("N"));
    private Azurite? _azurite;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        _azurite = await Azurite.StartAsync(_data);
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task StorageOutage_AzuriteStoppedAndRestartedUnderLoad_RequestsAnswer503AndEveryInstanceCompletesWithoutHostRestart()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var ct = cts.Token;
        var azurite = _azurite!;
        await using var host = await HostProcess.StartAsync(azurite.ConnectionString, "outage", ct, new Dictionary<string, string>
        {
            ["Host__InMemoryTimerWindow"] = "00:00:02",
            ["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ",
        });
        var api = host.Api;
        var client = host.Client;
        try
        {
            await api.PutWorkflowAsync(Outage, ct);
            var ids = Enumerable.Range(0, Count).Select(i => $"outage-{i:D3}").ToList();
            await Task.WhenAll(ids.Select((id, i) => api.StartAsync("outage", id, $$"""{"n":{{i}}}""", ct)));

            // A third of the events arrive before the outage, a third during it (refused: raised again after), the rest after.
            var before = ids.Take(Count / 3).ToList();
            var during = ids.Skip(Count / 3).Take(Count / 3).ToList();
            var after = ids.Skip(2 * (Count / 3)).ToList();
            await Task.WhenAll(before.Select(id => RaiseAsync(client, id, ct)));

            var outage = Stopwatch.StartNew();
            await azurite.StopAsync(ct);
            output.WriteLine($"Azurite stopped after {outage.Elapsed.TotalSeconds:F1} s");

            var health = await Poll.UntilAsync(() => GetAsync(client, "/healthz", ct), r => r.Status == 503, ct, "/healthz to turn unhealthy");
            output.WriteLine($"/healthz during the outage: {health.Body}");
            Assert.Equal("unhealthy", health.Body!["status"]!.GetValue<string>());
            Assert.Contains("storage", health.Body["storage"]!["error"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);

            // Every kind of request the host cannot serve answers 503 naming storage, with Retry-After; never 500.
            var answers = new List<Answer>();
            answers.AddRange(await Task.WhenAll(during.Select(id => PostAsync(client, $"{WorkflowApi.Instances}/{id}/raiseEvent/go", Payload(id), ct))));
            answers.Add(await PostAsync(client, "/api/workflows/outage/instances?instanceId=outage-new", """{"n":1000}""", ct));
            answers.Add(await GetAsync(client, $"{WorkflowApi.Instances}/{ids[0]}", ct));
            answers.Add(await GetAsync(client, $"{WorkflowApi.Instances}?runtimeStatus=Running", ct));
            answers.Add(await GetAsync(client, $"/api/instances/{ids[1]}/nodes", ct));
            answers.Add(await PostAsync(client, $"{WorkflowApi.Instances}/{ids[2]}/terminate?reason=x", null, ct));
            foreach (var answer in answers)
            {
                Assert.True(answer.Status == 503, $"{answer.What}: {answer.Status} {answer.Body?.ToJsonString()}");
                Assert.True(answer.RetryAfter is > 0, $"{answer.What}: Retry-After {answer.RetryAfter}");
                Assert.Equal("StorageUnavailable", answer.Body!["error"]!["type"]!.GetValue<string>());
                Assert.Contains("storage", answer.Body["error"]!["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("AccountKey", answer.Body.ToJsonString(), StringComparison.Ordinal);
            }

            output.WriteLine($"{answers.Count} requests during the outage, all 503: {answers[0].Body?.ToJsonString()}");
            Assert.Equal(503, (await GetAsync(client, "/healthz", ct)).Status);

            // Storage stays away at least 12 s (the requests above and the restart add to it): several of the test host's
            // 2 s lease rounds fail, and its 15 s leases may run out.
            var remaining = TimeSpan.FromSeconds(12) - outage.Elapsed;
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining, ct);
            }

            output.WriteLine($"restarting Azurite after {outage.Elapsed.TotalSeconds:F1} s");
            await azurite.RestartAsync(ct);
            output.WriteLine($"Azurite back after {outage.Elapsed.TotalSeconds:F1} s");

            // As if another host had taken the partitions while this one was cut off: break every lease, so the host's
            // next renewal is refused and it takes its partitions over again from what storage holds.
            var leases = new BlobContainerClient(azurite.ConnectionString, "outage-leases");
            for (var p = 0; p < 4; p++)
            {
                await leases.GetBlobClient($"partition-{p:D2}").GetBlobLeaseClient().BreakAsync(TimeSpan.Zero, cancellationToken: ct);
            }

            var healthy = await Poll.UntilAsync(() => GetAsync(client, "/healthz", ct), r => r.Status == 200, ct, "/healthz to turn healthy again");
            output.WriteLine($"healthy again after {outage.Elapsed.TotalSeconds:F1} s");
            Assert.Equal("healthy", healthy.Body!["status"]!.GetValue<string>());
            Assert.Equal("reachable", healthy.Body["storage"]!["status"]!.GetValue<string>());

            // What was refused is raised again, and the last third for the first time.
            await Task.WhenAll(during.Concat(after).Select(id => RaiseAsync(client, id, ct)));
            for (var i = 0; i < Count; i++)
            {
                var final = await api.WaitForFinalAsync(ids[i], ct);
                Assert.True(final["runtimeStatus"]!.GetValue<string>() == "Completed", $"{ids[i]}: {final.ToJsonString()}");
                Assert.Equal((2 * i) + 1000 + i, final["output"]!.GetValue<int>());
            }

            output.WriteLine($"all {Count} completed {outage.Elapsed.TotalSeconds:F1} s after the outage began");
            Assert.Equal("[]", await client.GetStringAsync($"{WorkflowApi.Instances}?runtimeStatus=Pending,Running,Suspended,Failed,Terminated", ct));
            Assert.Equal(404, (await api.StatusAsync("outage-new", ct)).Status);
            var counters = (await api.HealthAsync(ct))["counters"]!;
            output.WriteLine($"counters: {counters.ToJsonString()}");

            // Exactly once: no instance completes near the outage's start, so every completion is counted once.
            var metrics = await client.GetStringAsync("/metrics", ct);
            var completed = metrics.Split('\n').Single(l => l.StartsWith("workflow_run_duration_seconds_count{", StringComparison.Ordinal)
                && l.Contains("workflow_result=\"completed\"", StringComparison.Ordinal));
            Assert.Equal(Count, double.Parse(completed.Split("} ")[1].Split(' ')[0], CultureInfo.InvariantCulture));
            Assert.Equal(0, counters["poisonMessages"]!.GetValue<long>());
        }
        catch
        {
            output.WriteLine("host:\n" + host.Output);
            throw;
        }
    }

    private static string Payload(string id) => (1000 + int.Parse(id["outage-".Length..], CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture);

    /// <summary>Raises the instance's event, again while storage is still coming back (503), until it is taken (202).</summary>
    private static async Task RaiseAsync(HttpClient client, string id, CancellationToken ct)
    {
        var answer = await Poll.UntilAsync(
            () => PostAsync(client, $"{WorkflowApi.Instances}/{id}/raiseEvent/go", Payload(id), ct),
            a => a.Status != 503,
            ct,
            $"the event of {id} to be taken");
        Assert.True(answer.Status == 202, $"{answer.What}: {answer.Status} {answer.Body?.ToJsonString()}");
    }

    private static async Task<Answer> PostAsync(HttpClient client, string uri, string? body, CancellationToken ct)
    {
        using var response = await client.PostAsync(uri, body is null ? null : new StringContent(body), ct);
        return await Answer.ReadAsync("POST " + uri, response, ct);
    }

    private static async Task<Answer> GetAsync(HttpClient client, string uri, CancellationToken ct)
    {
        using var response = await client.GetAsync(uri, ct);
        return await Answer.ReadAsync("GET " + uri, response, ct);
    }

    private sealed record Answer(string What, int Status, double? RetryAfter, JsonObject? Body)
    {
        public static async Task<Answer> ReadAsync(string what, HttpResponseMessage response, CancellationToken ct)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            JsonObject? body = null;
            try
            {
                body = text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject;
            }
            catch (System.Text.Json.JsonException)
            {
                body = new JsonObject { ["text"] = text };
            }

            return new Answer(what, (int)response.StatusCode, response.Headers.RetryAfter?.Delta?.TotalSeconds, body);
        }
    }
}
