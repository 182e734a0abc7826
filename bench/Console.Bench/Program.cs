using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Serverless.Testing;

// The console's scale goals, measured in Chromium against the standalone host on a private Azurite: the instance page
// of a 500-node workflow and of a 1,000-item foreach (time from navigation until every node shows its status, and the
// longest main-thread task while the foreach runs and the page updates live), and the instances list over N instances
// (first page, and counts by status complete). Usage:
//   dotnet run -c Release --project bench/Console.Bench [-- --instances 10000]
// The browser is the tests' SystemChromium: CONSOLE_TEST_CHROMIUM or Debian's chromium (scripts/install-tools.sh installs it).
var instancesIndex = Array.IndexOf(args, "--instances");
var listSize = instancesIndex >= 0 ? int.Parse(args[instancesIndex + 1], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(30));
var ct = bound.Token;

Console.WriteLine($"console bench: {Environment.ProcessorCount} cores, load average {LoadAverage()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
await using var azurite = await Azurite.StartAsync(cancellationToken: ct);
var (app, address) = await InProcessStandaloneHost.StartAsync(azurite.ConnectionString, "consolebench", ct, executor: new ScriptedActivities());
await using var _ = app;
using var api = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };

// A 500-node DAG: 25 layers of 20 set nodes, each after two nodes of the layer before.
var dag = new JsonObject();
for (var layer = 0; layer < 25; layer++)
{
    for (var i = 0; i < 20; i++)
    {
        var node = new JsonObject { ["type"] = "set", ["value"] = layer * 20 + i };
        if (layer > 0)
        {
            node["runAfter"] = new JsonArray($"n{layer - 1}_{i}", $"n{layer - 1}_{(i + 1) % 20}");
        }

        dag[$"n{layer}_{i}"] = node;
    }
}

await Register("bench-dag", dag);
await Register("bench-foreach", JsonNode.Parse("""
    { "each": { "type": "foreach", "items": "${{ Array.from({ length: 1000 }, (_, i) => i) }}", "maxConcurrency": 20,
      "body": { "nodes": {
        "square": { "type": "set", "value": "${{ item * item }}" },
        "check": { "type": "activity", "runAfter": ["square"], "activity": "echo", "input": "${{ nodes.square.output }}" } } } } }
    """)!.AsObject());
await Register("bench-one", JsonNode.Parse("""{ "only": { "type": "set", "value": 1 } }""")!.AsObject());

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = SystemChromium.Find(), Headless = true, Args = SystemChromium.Arguments });
var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
await context.AddInitScriptAsync("""
    window.__longTasks = [];
    new PerformanceObserver(list => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
    """);
var page = await context.NewPageAsync();
page.SetDefaultTimeout(120_000);
string Console_(string hash) => new Uri(address, "/console/" + hash).ToString();

// 1. The 500-node instance page.
var dagId = await Start("bench-dag");
await WaitFinal(dagId);
var dagMs = await Measure(Console_($"#/instances/{dagId}"), "() => document.querySelectorAll('g.node[data-status=succeeded]').length === 500");
var dagMs2 = await Measure(Console_($"#/instances/{dagId}?bench=2"), "() => document.querySelectorAll('g.node[data-status=succeeded]').length === 500");
var dagData = await page.EvaluateAsync<double>("() => performance.getEntriesByName('console:instance-data')[0]?.startTime ?? -1");
var dagRender = await page.EvaluateAsync<double>("() => Math.max(...performance.getEntriesByName('console:render').map(e => e.duration))");

// 2. The 1,000-item foreach, followed live while it runs, then rendered complete.
var eachId = await Start("bench-foreach");
await page.GotoAsync(Console_($"#/instances/{eachId}"));
await page.EvaluateAsync("() => { window.__longTasks.length = 0; }");
await page.WaitForFunctionAsync("() => document.querySelector('h1 .pill')?.textContent === 'Completed' && document.querySelector(\"g.node[data-path='each'] > .badge\")?.textContent === '1000/1000'");
var liveLongest = await page.EvaluateAsync<double>("() => Math.max(0, ...window.__longTasks)");
var liveLong = await page.EvaluateAsync<int>("() => window.__longTasks.length");
var liveRenders = await page.EvaluateAsync<double[]>("() => performance.getEntriesByName('console:render').map(e => e.duration)");
var eachMs = await Measure(Console_($"#/instances/{eachId}?bench=2"), "() => document.querySelector(\"g.node[data-path='each'] > .badge\")?.textContent === '1000/1000'");

// 3. The instances list over listSize instances.
var started = Stopwatch.StartNew();
await Parallel.ForEachAsync(Enumerable.Range(0, listSize), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, token) =>
{
    using var response = await api.PostAsJsonAsync("/api/workflows/bench-one/instances", new { i }, token);
    response.EnsureSuccessStatusCode();
});
Console.WriteLine($"   started {listSize} instances in {started.Elapsed.TotalSeconds:F0} s");
var total = listSize + 2;
var firstPageMs = await Measure(Console_("#/instances"), "() => document.querySelectorAll('#instances tbody tr[data-row]').length === 50");
var totalText = total.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
await page.WaitForFunctionAsync($"() => document.querySelector('#counts [data-status=all]')?.textContent === '{totalText} total'");
var countsMs = await page.EvaluateAsync<double>("() => performance.now()");
var listLongest = await page.EvaluateAsync<double>("() => Math.max(0, ...window.__longTasks)");
var nextPage = Stopwatch.StartNew();
await page.Locator("#next-page").ClickAsync();
await page.WaitForFunctionAsync("() => document.querySelector('.pager span')?.textContent === 'Page 2' && document.querySelectorAll('#instances tbody tr[data-row]').length === 50");
var nextMs = nextPage.Elapsed.TotalMilliseconds;

Console.WriteLine();
Console.WriteLine("| measure | result |");
Console.WriteLine("|---|---|");
Console.WriteLine($"| 500-node instance page, navigation to every node painted | {dagMs:F0} ms (again: {dagMs2:F0} ms: data loaded at {dagData:F0} ms, painting {dagRender:F0} ms) |");
Console.WriteLine($"| 1,000-item foreach instance page (3,001 node records), navigation to painted | {eachMs:F0} ms |");
Console.WriteLine($"| same instance followed live while it ran: updates painted, slowest paint, longest main-thread task | {liveRenders.Length}, {(liveRenders.Length == 0 ? 0 : liveRenders.Max()):F0} ms, {liveLongest:F0} ms |");
Console.WriteLine($"| instances list over {total:N0} instances: first page of 50 | {firstPageMs:F0} ms |");
Console.WriteLine($"| same: counts by status complete (paged 1,000 at a time) | {countsMs:F0} ms, longest task {listLongest:F0} ms |");
Console.WriteLine($"| same: next page | {nextMs:F0} ms |");
Console.WriteLine($"load average after: {LoadAverage()}");
return 0;

async Task Register(string name, JsonObject nodes)
{
    using var response = await api.PutAsJsonAsync($"/api/workflows/{name}", new JsonObject { ["name"] = name, ["nodes"] = nodes }, ct);
    response.EnsureSuccessStatusCode();
}

async Task<string> Start(string name)
{
    using var response = await api.PostAsJsonAsync($"/api/workflows/{name}/instances", new { }, ct);
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
}

async Task WaitFinal(string id)
{
    while (true)
    {
        var status = await api.GetFromJsonAsync<JsonElement>($"/api/instances/{id}?showInput=false", ct);
        if (status.GetProperty("runtimeStatus").GetString() is "Completed" or "Failed" or "Terminated")
        {
            return;
        }

        await Task.Delay(100, ct); // a poll interval, not a wait for luck: the loop ends on the status
    }
}

// Milliseconds from the start of a fresh navigation until the condition holds in the page.
async Task<double> Measure(string url, string condition)
{
    await page.GotoAsync("about:blank");
    await page.GotoAsync(url);
    await page.WaitForFunctionAsync(condition, null, new() { PollingInterval = 10 });
    return await page.EvaluateAsync<double>("() => performance.now()");
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
