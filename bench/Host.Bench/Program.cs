using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Host;

// Standalone host benchmark: scenarios A-E of issue 4 against a private Azurite (disk persistence in a temp folder,
// or in memory with --in-memory) or the storage account in SERVERLESS_BENCH_CONNECTION. Usage:
//   dotnet run -c Release --project bench/Host.Bench [-- [--in-memory] [--cold] [A B C D E]]
if (args is ["latency"])
{
    var (proc, conn) = await StartAzuriteAsync(false);
    var table = new Azure.Data.Tables.TableClient(conn, "lat");
    await table.CreateIfNotExistsAsync();
    var payload = new byte[6000];
    var entity = new Azure.Data.Tables.TableEntity("p", "state") { ["S0"] = payload };
    var etag = (await table.AddEntityAsync(entity)).Headers.ETag!.Value;
    var queue = new Azure.Storage.Queues.QueueClient(conn, "lat");
    await queue.CreateIfNotExistsAsync();
    for (var round = 0; round < 2; round++)
    {
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < 200; i++)
        {
            etag = (await table.UpdateEntityAsync(entity, etag, Azure.Data.Tables.TableUpdateMode.Replace)).Headers.ETag!.Value;
        }

        var replace = sw.Elapsed.TotalMilliseconds / 200;
        sw.Restart();
        for (var i = 0; i < 200; i++)
        {
            await table.AddEntityAsync(new Azure.Data.Tables.TableEntity("p", $"e{round}-{i}") { ["E"] = "{\"x\":1}" });
        }

        var insert = sw.Elapsed.TotalMilliseconds / 200;
        sw.Restart();
        for (var i = 0; i < 200; i++)
        {
            await queue.SendMessageAsync("{\"x\":1}");
        }

        var send = sw.Elapsed.TotalMilliseconds / 200;
        Console.WriteLine($"replace 6 KB: {replace:F2} ms, insert tiny: {insert:F2} ms, queue send: {send:F2} ms");
    }

    proc.Kill(entireProcessTree: true);
    return 0;
}

var inMemory = args.Contains("--in-memory");
var cold = args.Contains("--cold");
args = [.. args.Where(a => a is not "--in-memory" and not "--cold")];
var scenarios = args.Length == 0 ? ["A", "B", "C", "D", "E"] : args.Select(a => a.ToUpperInvariant()).ToArray();
var connection = Environment.GetEnvironmentVariable("SERVERLESS_BENCH_CONNECTION");
Process? azurite = null;
if (string.IsNullOrEmpty(connection))
{
    (azurite, connection) = await StartAzuriteAsync(inMemory);
}

var builder = ServerlessHost.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Host:Storage:ConnectionString"] = connection,
    ["Host:Storage:TaskHub"] = "bench" + DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture),
});
builder.Logging.ClearProviders();
var app = ServerlessHost.Build(builder);
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(5) };
while (!(await http.GetAsync("/healthz")).IsSuccessStatusCode)
{
    await Task.Delay(100);
}

// Warm up (JIT, connection pools, plan caches) on small versions of the scenarios; not measured.
await PutAsync(Chain("bench-warm", 20));
await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ => await WaitAsync(await StartAsync("bench-warm", "1"))));
if (!cold)
{
    // The raise-event path gets 200 events: on 2 cores, with fewer the tiered JIT is still recompiling it during D.
    // --cold skips this, so D measures a host that never raised an event before.
    await PutAsync(Events("bench-warm-d", 200));
    var warmEvents = await StartAsync("bench-warm-d", "null");
    await RaiseAsync(warmEvents, 200);
    await WaitAsync(warmEvents);
}

var rows = new List<string[]>();
foreach (var scenario in scenarios)
{
    var row = scenario switch
    {
        "A" => await ScenarioA(),
        "B" => await ScenarioB(),
        "C" => await ScenarioC(),
        "D" => await ScenarioD(),
        "E" => await ScenarioE(),
        _ => throw new ArgumentException($"Unknown scenario {scenario}; use A-E."),
    };
    rows.Add(row);
    Console.WriteLine(string.Join(" | ", row));
}

Console.WriteLine();
Console.WriteLine("| scenario | result | target | storage requests |");
Console.WriteLine("|---|---|---|---|");
foreach (var row in rows)
{
    Console.WriteLine($"| {row[0]} | {row[1]} | {row[2]} | {row[3]} |");
}

await app.StopAsync();
if (azurite is not null)
{
    azurite.Kill(entireProcessTree: true);
}

return 0;

async Task<string[]> ScenarioA()
{
    await PutAsync(Chain("bench-a", 100));
    var before = await CountersAsync();
    var id = await StartAsync("bench-a", "1");
    var status = await WaitAsync(id);
    var seconds = Elapsed(status);
    var after = await CountersAsync();
    return ["A: 100 sequential no-op nodes", $"{100 / seconds:F0} nodes/s ({seconds:F2} s)", ">= 500 nodes/s", PerStep(before, after, 100, seconds)];
}

async Task<string[]> ScenarioB()
{
    await PutAsync("""
        {"name":"bench-b","nodes":{"each":{"type":"foreach","items":"${{ input }}","maxConcurrency":0,
          "body":{"nodes":{"x":{"type":"activity","activity":"echo","input":"${{ item }}"}},"output":"${{ nodes.x.output }}"}}},
         "output":"${{ nodes.each.output.length }}"}
        """);
    var before = await CountersAsync();
    var id = await StartAsync("bench-b", new JsonArray([.. Enumerable.Range(0, 300).Select(i => (JsonNode)i)]).ToJsonString());
    var status = await WaitAsync(id);
    var seconds = Elapsed(status);
    var after = await CountersAsync();
    return ["B: foreach of 300 no-op items", $"{300 / seconds:F0} nodes/s ({seconds:F2} s)", ">= 1,000 nodes/s", PerStep(before, after, 300, seconds)];
}

async Task<string[]> ScenarioC()
{
    await PutAsync(Chain("bench-c", 10));
    var before = await CountersAsync();
    var ids = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => StartAsync("bench-c", i.ToString(CultureInfo.InvariantCulture))));
    var statuses = await WaitAllAsync(ids);
    var all = Span(statuses);
    var latencies = statuses.Select(Elapsed).Order().ToArray();
    var after = await CountersAsync();
    return ["C: 200 instances x 10 sequential nodes", $"{200 / all:F1} instances/s, p50 {latencies[100]:F2} s, p95 {latencies[190]:F2} s", ">= 50 instances/s, p95 < 5 s", PerStep(before, after, 2000, all)];
}

async Task<string[]> ScenarioD()
{
    await PutAsync(Events("bench-d", 100));
    var id = await StartAsync("bench-d", "null");
    var before = await CountersAsync();
    var firstRaise = DateTimeOffset.UtcNow;
    await RaiseAsync(id, 100);

    var status = await WaitAsync(id);
    var seconds = (DateTimeOffset.Parse(status["lastUpdatedTime"]!.GetValue<string>(), CultureInfo.InvariantCulture) - firstRaise).TotalSeconds;
    var after = await CountersAsync();
    if (status["output"]!.GetValue<int>() != 99)
    {
        throw new InvalidOperationException("D: events were consumed out of order.");
    }

    return ["D: 100 events into one instance", $"{100 / seconds:F0} events/s ({seconds:F2} s)", ">= 450 events/s", PerStep(before, after, 100, seconds)];
}

async Task<string[]> ScenarioE()
{
    await PutAsync("""{"name":"bench-e","nodes":{"w":{"type":"wait","duration":"PT1S"}}}""");
    var before = await CountersAsync();
    var startClock = Stopwatch.StartNew();
    var ids = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => StartAsync("bench-e", "null")));
    var starting = startClock.Elapsed.TotalSeconds;
    var seconds = Span(await WaitAllAsync(ids));
    var after = await CountersAsync();
    var early = 0;
    foreach (var id in ids)
    {
        var nodes = await http.GetFromJsonAsync<JsonObject>($"/api/instances/{id}/nodes");
        var w = nodes!["nodes"]![0]!;
        var waited = DateTimeOffset.Parse(w["completedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture) - DateTimeOffset.Parse(w["startedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        if (waited < TimeSpan.FromSeconds(1))
        {
            early++;
        }
    }

    return ["E: 200 instances waiting 1 s", $"{seconds:F2} s until all done (starting them took {starting:F2} s), {early} fired early", "<= 1.5 s, none early", PerStep(before, after, 200, seconds)];
}

string Chain(string name, int length)
{
    var nodes = new JsonObject();
    for (var i = 0; i < length; i++)
    {
        var node = new JsonObject { ["type"] = "activity", ["activity"] = "echo", ["input"] = i == 0 ? "${{ input }}" : $"${{{{ nodes.n{i - 1}.output }}}}" };
        if (i > 0)
        {
            node["runAfter"] = new JsonArray($"n{i - 1}");
        }

        nodes[$"n{i}"] = node;
    }

    return new JsonObject { ["name"] = name, ["nodes"] = nodes, ["output"] = $"${{{{ nodes.n{length - 1}.output }}}}" }.ToJsonString();
}

// A chain of `count` event nodes, each taking the next "tick" event; the output is the last event's payload.
static string Events(string name, int count)
{
    var nodes = new JsonObject();
    for (var i = 0; i < count; i++)
    {
        var node = new JsonObject { ["type"] = "event", ["event"] = "tick" };
        if (i > 0)
        {
            node["runAfter"] = new JsonArray($"e{i - 1}");
        }

        nodes[$"e{i}"] = node;
    }

    return new JsonObject { ["name"] = name, ["nodes"] = nodes, ["output"] = $"${{{{ nodes.e{count - 1}.output }}}}" }.ToJsonString();
}

// Raises `count` events one after another, each once the previous one was answered (202: saved).
async Task RaiseAsync(string id, int count)
{
    for (var i = 0; i < count; i++)
    {
        using var response = await http.PostAsync($"/runtime/webhooks/durabletask/instances/{id}/raiseEvent/tick", new StringContent(i.ToString(CultureInfo.InvariantCulture)));
        if ((int)response.StatusCode != 202)
        {
            throw new InvalidOperationException($"raiseEvent answered {(int)response.StatusCode}");
        }
    }
}

async Task PutAsync(string json)
{
    var name = JsonNode.Parse(json)!["name"]!.GetValue<string>();
    using var response = await http.PutAsync($"/api/workflows/{name}", new StringContent(json));
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"PUT {name}: {await response.Content.ReadAsStringAsync()}");
    }
}

async Task<string> StartAsync(string workflow, string input)
{
    using var response = await http.PostAsync($"/api/workflows/{workflow}/instances", new StringContent(input));
    var body = await response.Content.ReadFromJsonAsync<JsonObject>();
    return (int)response.StatusCode == 202 ? body!["id"]!.GetValue<string>() : throw new InvalidOperationException(body!.ToJsonString());
}

async Task<JsonObject> WaitAsync(string id)
{
    var deadline = Stopwatch.StartNew();
    while (deadline.Elapsed < TimeSpan.FromMinutes(5))
    {
        var status = await http.GetFromJsonAsync<JsonObject>($"/runtime/webhooks/durabletask/instances/{id}");
        var runtime = status!["runtimeStatus"]!.GetValue<string>();
        if (runtime is "Completed")
        {
            return status;
        }

        if (runtime is "Failed" or "Terminated")
        {
            throw new InvalidOperationException($"{id} ended {runtime}: {status.ToJsonString()}");
        }

        await Task.Delay(50);
    }

    throw new TimeoutException(id);
}

async Task<JsonObject[]> WaitAllAsync(string[] ids)
{
    // One poller at a time (in order), so the bench does not load the storage it measures.
    var result = new JsonObject[ids.Length];
    for (var i = 0; i < ids.Length; i++)
    {
        result[i] = await WaitAsync(ids[i]);
    }

    return result;
}

static double Span(JsonObject[] statuses)
    => (statuses.Max(s => DateTimeOffset.Parse(s["lastUpdatedTime"]!.GetValue<string>(), CultureInfo.InvariantCulture))
        - statuses.Min(s => DateTimeOffset.Parse(s["createdTime"]!.GetValue<string>(), CultureInfo.InvariantCulture))).TotalSeconds;

static double Elapsed(JsonObject status)
    => (DateTimeOffset.Parse(status["lastUpdatedTime"]!.GetValue<string>(), CultureInfo.InvariantCulture)
        - DateTimeOffset.Parse(status["createdTime"]!.GetValue<string>(), CultureInfo.InvariantCulture)).TotalSeconds;

async Task<JsonObject> CountersAsync() => (JsonObject)(await http.GetFromJsonAsync<JsonObject>("/healthz"))!["counters"]!;

static string PerStep(JsonObject before, JsonObject after, int steps, double seconds)
{
    long Delta(string name) => after[name]!.GetValue<long>() - before[name]!.GetValue<long>();
    var tables = Delta("tableRequests");
    var queues = Delta("queueRequests");
    var blobs = Delta("blobRequests");
    return string.Create(CultureInfo.InvariantCulture,
        $"{(double)tables / steps:F2} table + {(double)queues / steps:F2} queue + {(double)blobs / steps:F2} blob per step (queue includes idle polling: {queues / Math.Max(seconds, 0.001):F0}/s)");
}

static async Task<(Process, string)> StartAzuriteAsync(bool inMemory)
{
    var root = new DirectoryInfo(AppContext.BaseDirectory);
    while (root is not null && !File.Exists(Path.Combine(root.FullName, "scripts", "install-tools.sh")))
    {
        root = root.Parent;
    }

    var repo = root?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
    var azurite = Path.Combine(repo, ".tools", "node_modules", ".bin", "azurite");
    if (!File.Exists(azurite))
    {
        using var install = Process.Start("bash", Path.Combine(repo, "scripts", "install-tools.sh"));
        await install.WaitForExitAsync();
    }

    var ports = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
    ports.ForEach(l => l.Start());
    var numbers = ports.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
    ports.ForEach(l => l.Stop());
    var data = Directory.CreateTempSubdirectory("azurite-bench-").FullName;
    var start = new ProcessStartInfo(azurite) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    string[] persistence = inMemory ? ["--inMemoryPersistence"] : ["--location", data];
    foreach (var arg in new[] { "--silent", "--skipApiVersionCheck" }.Concat(persistence).Concat(new[] { "--blobHost", "127.0.0.1", "--blobPort", numbers[0].ToString(CultureInfo.InvariantCulture), "--queueHost", "127.0.0.1", "--queuePort", numbers[1].ToString(CultureInfo.InvariantCulture), "--tableHost", "127.0.0.1", "--tablePort", numbers[2].ToString(CultureInfo.InvariantCulture) }))
    {
        start.ArgumentList.Add(arg);
    }

    var process = Process.Start(start)!;
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    foreach (var port in numbers)
    {
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
    }

    return (process, "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        + $"BlobEndpoint=http://127.0.0.1:{numbers[0]}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{numbers[1]}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{numbers[2]}/devstoreaccount1;");
}
