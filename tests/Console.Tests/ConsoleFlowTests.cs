using System.Net;
using Microsoft.Playwright;
using Serverless.Console.Tests.Infrastructure;
using Serverless.Testing;
using static Microsoft.Playwright.Assertions;

namespace Serverless.Console.Tests;

/// <summary>
/// What a user does in the console, in Chromium, against the standalone host on Azurite: register with errors shown at
/// their pointer and on the diagram, follow an instance live, approve an event, terminate, rerun, bulk purge, deep
/// links, keyboard and theme. Every wait is Playwright's auto-retrying assertion (a condition with a deadline).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleFlowTests(ConsoleFixture fixture) : IAsyncLifetime
{
    private readonly List<IPage> _pages = [];

    [Fact]
    public async Task RegisterShowsEveryErrorAtItsPointerAndOnTheDiagramThenRegistersTheFix()
    {
        var name = Unique("reg");
        var page = await Open(withKey: false);
        await page.GotoAsync(fixture.Console("#/editor"));

        // The editor validates at once; the host needs a key, so the console asks for it, once.
        await page.Locator("dialog input[name=key]").FillAsync(fixture.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();

        var invalid = $$"""
            {
              "name": "{{name}}",
              "nodes": {
                "first": { "type": "set", "value": 1 },
                "second": { "type": "set", "runAfter": ["first", "missing"], "value": 2 },
                "third": { "type": "teleport", "runAfter": ["second"] }
              }
            }
            """;
        await page.Locator("#definition").FillAsync(invalid);
        await Expect(page.Locator("#validity")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9]+ errors?\\.$"));

        // Listed with their pointers, marked in the text, and on the diagram's nodes.
        var errors = page.Locator("#errors li");
        await Expect(errors.Filter(new() { HasText = "/nodes/second/runAfter" })).ToHaveCountAsync(1);
        await Expect(errors.Filter(new() { HasText = "/nodes/third" })).Not.ToHaveCountAsync(0);
        await Expect(page.Locator(".code-backdrop mark").Filter(new() { HasText = "missing" })).ToHaveCountAsync(1);
        await Expect(page.Locator("g.node[data-path='second']")).ToHaveAttributeAsync("data-status", "invalid");
        await Expect(page.Locator("g.node[data-path='third']")).ToHaveAttributeAsync("data-status", "invalid");
        await Expect(page.Locator("g.node[data-path='first']")).ToHaveAttributeAsync("data-status", "none");
        await ConsoleFixture.SaveScreenshotAsync(page, "editor");

        // Clicking an error selects its text.
        await errors.Filter(new() { HasText = "/nodes/second/runAfter" }).GetByRole(AriaRole.Button).ClickAsync();
        var selected = await page.EvalOnSelectorAsync<string>("#definition", "t => t.value.slice(t.selectionStart, t.selectionEnd)");
        Assert.Contains("missing", selected, StringComparison.Ordinal);

        // Registering the invalid text is refused (nothing registered) and shows the same errors.
        await page.Locator("#register").ClickAsync();
        await Expect(errors.Filter(new() { HasText = "/nodes/second/runAfter" })).ToHaveCountAsync(1);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Api.GetAsync($"/api/workflows/{name}")).StatusCode);

        var valid = invalid.Replace(", \"missing\"", "", StringComparison.Ordinal).Replace("teleport", "set", StringComparison.Ordinal)
            .Replace("\"runAfter\": [\"second\"] }", "\"runAfter\": [\"second\"], \"value\": 3 }", StringComparison.Ordinal);
        await page.Locator("#definition").FillAsync(valid);
        await Expect(page.Locator("#validity")).ToHaveTextAsync("Valid.");
        await Expect(page.Locator("g.node[data-status='invalid']")).ToHaveCountAsync(0);

        await page.Locator("#register").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"#/workflows/{name}\\?version=1$"));
        await Expect(page.Locator("g.node[data-path='third']")).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.OK, (await fixture.Api.GetAsync($"/api/workflows/{name}")).StatusCode);
    }

    [Fact]
    public async Task InstancePageFollowsTheInstanceLiveAndApprovesItsEvent()
    {
        var name = await fixture.RegisterAsync(Unique("approve"), """
            {
              "ask": { "type": "activity", "activity": "echo", "input": "${{ input }}" },
              "approval": { "type": "event", "runAfter": ["ask"], "event": "approve" },
              "done": { "type": "set", "runAfter": ["approval"], "value": "${{ nodes.approval.output }}" }
            }
            """);
        var id = await fixture.StartAsync(name, new { amount = 12 });
        var page = await Open();
        await page.GotoAsync(fixture.Console($"#/instances/{id}"));
        await page.EvaluateAsync("() => { window.notReloaded = true; }");

        await Expect(page.Locator("g.node[data-path='ask']")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(page.Locator("g.node[data-path='approval']")).ToHaveAttributeAsync("data-status", "running");
        await Expect(page.Locator("g.node[data-path='done']")).ToHaveAttributeAsync("data-status", "pending");
        await Expect(page.Locator("#waiting")).ToContainTextAsync("approve");
        await ConsoleFixture.SaveScreenshotAsync(page, "instance");

        // The event's name is offered; the payload goes through.
        await page.Locator("#raise").ClickAsync();
        await Expect(page.Locator("dialog input[name=eventName]")).ToHaveValueAsync("approve");
        await page.Locator("dialog textarea[name=payload]").FillAsync("""{"approved": true}""");
        await page.GetByRole(AriaRole.Button, new() { Name = "Raise", Exact = true }).ClickAsync();

        await Expect(page.Locator("g.node[data-path='done']")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(page.Locator("h1 .pill")).ToHaveTextAsync("Completed");
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"), "the page reloaded instead of updating live");
        var status = await fixture.StatusAsync(id);
        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.True(status.GetProperty("output").GetProperty("done").GetProperty("approved").GetBoolean());

        // The actions follow the status: a completed instance can be purged, not terminated.
        await Expect(page.Locator("#terminate")).ToBeDisabledAsync();
        await Expect(page.Locator("#purge")).ToBeEnabledAsync();
    }

    [Fact]
    public async Task SuspendResumeAndTerminateFromTheInstancePage()
    {
        var name = await fixture.RegisterAsync(Unique("term"), """
            { "hold": { "type": "event", "event": "never" } }
            """);
        var id = await fixture.StartAsync(name, new { });
        var page = await Open();
        await page.GotoAsync(fixture.Console($"#/instances/{id}"));
        await Expect(page.Locator("g.node[data-path='hold']")).ToHaveAttributeAsync("data-status", "running");
        await Expect(page.Locator("#rerun")).ToBeDisabledAsync();
        await Expect(page.Locator("#resume")).ToBeDisabledAsync();

        // Suspend and resume, each reflected live and in the actions it enables.
        await page.Locator("#suspend").ClickAsync();
        await Expect(page.Locator("h1 .pill")).ToHaveTextAsync("Suspended");
        await Expect(page.Locator("#resume")).ToBeEnabledAsync();
        await Expect(page.Locator("#suspend")).ToBeDisabledAsync();
        await Expect(page.Locator("#waiting")).ToContainTextAsync("suspended");
        await page.Locator("#resume").ClickAsync();
        await Expect(page.Locator("h1 .pill")).ToHaveTextAsync("Running");

        await page.Locator("#terminate").ClickAsync();
        await page.Locator("dialog input[name=reason]").FillAsync("not needed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Terminate", Exact = true }).ClickAsync();

        await Expect(page.Locator("h1 .pill")).ToHaveTextAsync("Terminated");
        Assert.Equal("Terminated", (await fixture.StatusAsync(id)).GetProperty("runtimeStatus").GetString());
    }

    [Fact]
    public async Task RerunAFailedInstanceFromItsPage()
    {
        var name = await fixture.RegisterAsync(Unique("rerun"), """
            {
              "prepare": { "type": "set", "value": 1 },
              "charge": { "type": "activity", "runAfter": ["prepare"], "activity": "fail-first-epoch", "input": { "ok": true } }
            }
            """);
        var id = await fixture.StartAsync(name, new { });
        var page = await Open();
        await page.GotoAsync(fixture.Console($"#/instances/{id}?node=charge"));
        await Expect(page.Locator("h1 .pill")).ToHaveTextAsync("Failed");
        await Expect(page.Locator("g.node[data-path='charge']")).ToHaveAttributeAsync("data-status", "failed");
        await Expect(page.Locator("#node-panel")).ToContainTextAsync("Boom");

        await page.Locator("#rerun").ClickAsync();

        await Expect(page.Locator("h1 .pill")).ToHaveTextAsync("Completed");
        await Expect(page.Locator("g.node[data-path='charge']")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(page.Locator("g.node[data-path='prepare']")).ToHaveAttributeAsync("data-status", "succeeded");
    }

    [Fact]
    public async Task BulkPurgeAsksWithTheCountThenPurgesTheFilteredSet()
    {
        var name = await fixture.RegisterAsync(Unique("bulk"), """{ "only": { "type": "set", "value": 1 } }""");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await fixture.StartAsync(name, new { i }));
        }

        foreach (var id in ids)
        {
            await fixture.WaitForStatusAsync(id, "Completed");
        }

        var page = await Open();
        await page.GotoAsync(fixture.Console($"#/instances?status=Completed&workflow={name}"));
        await Expect(page.Locator("#instances tbody tr[data-row]")).ToHaveCountAsync(5);
        await Expect(page.Locator("#counts [data-status='Completed']")).ToContainTextAsync("5");
        await ConsoleFixture.SaveScreenshotAsync(page, "instances");

        await page.Locator("#bulk-purge").ClickAsync();
        await Expect(page.Locator("#bulk-count")).ToContainTextAsync("5 instances");
        await page.GetByRole(AriaRole.Button, new() { Name = "Purge 5" }).ClickAsync();

        await Expect(page.Locator("#instances tbody")).ToContainTextAsync("No instance matches the filters.");
        foreach (var id in ids)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await fixture.Api.GetAsync($"/api/instances/{id}")).StatusCode);
        }

        // The filters are in the URL, and the clear control empties them.
        Assert.Contains($"workflow={name}", page.Url, StringComparison.Ordinal);
        await page.Locator("#clear-filters").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/instances$"));
    }

    [Fact]
    public async Task DeepLinksSurviveAReload()
    {
        var name = await fixture.RegisterAsync(Unique("deep"), """
            { "a": { "type": "set", "value": 1 }, "b": { "type": "set", "runAfter": ["a"], "value": 2 } }
            """);
        var id = await fixture.StartAsync(name, new { });
        await fixture.WaitForStatusAsync(id, "Completed");
        var page = await Open();

        await page.GotoAsync(fixture.Console($"#/instances/{id}"));
        await page.Locator("g.node[data-path='b']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("\\?node=b$"));
        await page.ReloadAsync();
        await Expect(page.Locator("#node-panel h2")).ToContainTextAsync("b");
        await Expect(page.Locator("g.node[data-path='b']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("selected"));

        await page.GotoAsync(fixture.Console($"#/instances?status=Completed&prefix={name}"));
        await page.ReloadAsync();
        await Expect(page.Locator("input[name=status][value=Completed]")).ToBeCheckedAsync();
        await Expect(page.Locator("input[name=prefix]")).ToHaveValueAsync(name);
        await Expect(page.Locator("#instances tbody tr[data-row]")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task KeyboardReachesEveryViewAndTheDarkThemeApplies()
    {
        var name = await fixture.RegisterAsync(Unique("keys"), """{ "a": { "type": "set", "value": 1 } }""");
        var id = await fixture.StartAsync(name, new { });
        await fixture.WaitForStatusAsync(id, "Completed");
        var page = await Open();
        await page.GotoAsync(fixture.Console($"#/instances?prefix={id}"));
        await Expect(page.Locator("#instances tbody tr[data-row]")).ToHaveCountAsync(1);

        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"#/instances/{id}$"));
        await page.Locator("g.node[data-path='a']").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#node-panel h2")).ToContainTextAsync("a");

        await page.Keyboard.PressAsync("w");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/workflows$"));
        var light = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        await page.Keyboard.PressAsync("t");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", new System.Text.RegularExpressions.Regex("dark|light"));
        var dark = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        Assert.NotEqual(light, dark);
    }

    [Fact]
    public async Task ForeachShowsProgressAndDrillsIntoOneIteration()
    {
        var name = await fixture.RegisterAsync(Unique("each"), """
            {
              "each": {
                "type": "foreach", "items": "${{ [1, 2, 3, 4, 5] }}",
                "body": { "nodes": {
                  "square": { "type": "set", "value": "${{ item * item }}" },
                  "check": { "type": "activity", "runAfter": ["square"], "activity": "echo", "input": "${{ nodes.square.output }}" }
                } }
              }
            }
            """);
        var id = await fixture.StartAsync(name, new { });
        await fixture.WaitForStatusAsync(id, "Completed");
        var page = await Open();
        await page.GotoAsync(fixture.Console($"#/instances/{id}"));

        await Expect(page.Locator("g.node[data-path='each']")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(page.Locator("g.node[data-path='each'] > .badge")).ToHaveTextAsync("5/5");
        await Expect(page.Locator("g.node[data-path='each.check'] > .badge")).ToHaveTextAsync("5/5");

        await page.Locator("g.node[data-path='each'] > rect.box").ClickAsync(new() { Position = new Position { X = 40, Y = 10 } });
        await Expect(page.Locator("#node-panel .iteration")).ToHaveCountAsync(5);
        await page.Locator("#node-panel .iteration[data-path='each[2]']").ClickAsync();
        await Expect(page.Locator("#scope")).ToContainTextAsync("each[2]");
        await Expect(page.Locator("g.node[data-path='each.check']")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(page.Locator("g.node[data-path='each.check'] > .badge")).ToHaveCountAsync(0);
        Assert.Contains("iteration=each%5B2%5D", page.Url, StringComparison.Ordinal);

        await page.Locator("g.node[data-path='each.square']").ClickAsync();
        await Expect(page.Locator("#node-panel")).ToContainTextAsync("each[2].square");
        await Expect(page.Locator("#node-panel")).ToContainTextAsync("9");
    }

    [Fact]
    public async Task AParentLinksToItsChildAndBack()
    {
        var child = await fixture.RegisterAsync(Unique("child"), """{ "c": { "type": "set", "value": "${{ input.n + 1 }}" } }""");
        var parent = await fixture.RegisterAsync(Unique("parent"), $$"""
            { "call": { "type": "workflow", "workflow": "{{child}}", "input": { "n": 1 } } }
            """);
        var id = await fixture.StartAsync(parent, new { });
        await fixture.WaitForStatusAsync(id, "Completed");
        var page = await Open();
        await page.GotoAsync(fixture.Console($"#/instances/{id}?node=call"));

        await page.Locator("#node-panel a.child-link").ClickAsync();
        await Expect(page.Locator("h1")).ToContainTextAsync($"{id}:call:");
        await Expect(page.Locator("g.node[data-path='c']")).ToHaveAttributeAsync("data-status", "succeeded");
        await page.Locator("#parent-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"#/instances/{id}$"));
    }

    [Fact]
    public async Task WorkflowPageDrawsASampleComparesVersionsAndExportsTheRoutesDiagram()
    {
        var sample = await File.ReadAllTextAsync(Path.Combine(Azurite.RepoRoot, "samples", "order-fulfilment.json"));
        var name = Unique("orders");
        var v1 = sample.Replace("\"name\": \"order-fulfilment\"", $"\"name\": \"{name}\"", StringComparison.Ordinal);
        var v2 = v1.Replace("\"nothingToShip\": {", "\"nothingToShip\": { \"if\": \"${{ true }}\",", StringComparison.Ordinal);
        Assert.NotEqual(v1, v2);
        foreach (var version in new[] { v1, v2 })
        {
            using var content = new StringContent(version, System.Text.Encoding.UTF8, "application/json");
            using var response = await fixture.Api.PutAsync(new Uri($"api/workflows/{name}", UriKind.Relative), content);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        var page = await Open();
        await page.GotoAsync(fixture.Console($"#/workflows/{name}?version=1"));

        // The foreach body is a group holding its node; edges carry the switch cases they accept.
        await Expect(page.Locator("g.node.group[data-path='reserve']")).ToBeVisibleAsync();
        await Expect(page.Locator("g.node[data-path='reserve.reserveLine']")).ToBeVisibleAsync();
        await Expect(page.Locator("g.edge-label").Filter(new() { HasText = "express | standard" })).ToHaveCountAsync(1);
        await Expect(page.Locator("g.edge-label").Filter(new() { HasText = "empty" })).ToHaveCountAsync(1);
        await ConsoleFixture.SaveScreenshotAsync(page, "workflow");

        // The exports are the route's own bytes.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export Mermaid" }).ClickAsync());
        var exported = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Equal(await fixture.Api.GetStringAsync(new Uri($"api/workflows/{name}/diagram?format=mermaid&version=1", UriKind.Relative)), exported);
        Assert.StartsWith("flowchart LR", exported, StringComparison.Ordinal);
        download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export SVG" }).ClickAsync());
        Assert.Contains("<svg", await File.ReadAllTextAsync((await download.PathAsync())!), StringComparison.Ordinal);

        // Side by side: the node that changed is outlined in both panes, the others are not.
        await page.Locator("#compare").SelectOptionAsync("2");
        await Expect(page.Locator("section.pane")).ToHaveCountAsync(2);
        await Expect(page.Locator("g.node.changed[data-path='nothingToShip']")).ToHaveCountAsync(2);
        await Expect(page.Locator("g.node.changed")).ToHaveCountAsync(2);
        Assert.Contains("compare=2", page.Url, StringComparison.Ordinal);

        // Start an instance from the workflow page: it opens the new instance's page.
        await page.GotoAsync(fixture.Console($"#/workflows/{name}?version=2"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Start instance" }).ClickAsync();
        await page.Locator("dialog textarea[name=input]").FillAsync("""{ "orderId": "o-1", "servicesUrl": "http://127.0.0.1:9" }""");
        await page.Locator("dialog input[name=instanceId]").FillAsync($"{name}-from-console");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"#/instances/{name}-from-console$"));
        await Expect(page.Locator("g.node[data-path='fetch']")).ToBeVisibleAsync();
        Assert.Equal(name, (await fixture.StatusAsync($"{name}-from-console")).GetProperty("customStatus").GetProperty("workflow").GetString());
    }

    [Fact]
    public async Task RetriesShowTheirCountdownThenEveryAttemptOnTheTimeline()
    {
        // A retry an hour away: the instance stays in its retry delay, and the page says when the next attempt comes.
        var waiting = await fixture.RegisterAsync(Unique("retry-wait"), """
            { "call": { "type": "activity", "activity": "flaky", "input": { "failures": 1, "value": "ok" },
                        "retry": { "maxAttempts": 2, "interval": "PT1H", "jitter": "none" } } }
            """);
        var held = await fixture.StartAsync(waiting, new { });
        var page = await Open();
        await page.GotoAsync(fixture.Console($"#/instances/{held}"));
        await Expect(page.Locator("#waiting")).ToContainTextAsync("call retries at");
        await Expect(page.Locator("#waiting")).ToContainTextAsync("attempt 2");
        await Expect(page.Locator(".tl-row[data-path='call'] .bar.gap")).ToHaveCountAsync(1);
        await page.Locator("#terminate").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Terminate", Exact = true }).ClickAsync();
        await Expect(page.Locator("h1 .pill")).ToHaveTextAsync("Terminated");

        // Two short retries, then success: each attempt and each delay on the timeline.
        var name = await fixture.RegisterAsync(Unique("retry"), """
            { "call": { "type": "activity", "activity": "flaky", "input": { "failures": 2, "value": "ok" },
                        "retry": { "maxAttempts": 3, "interval": "PT1S", "backoff": 1, "jitter": "none" } } }
            """);
        var id = await fixture.StartAsync(name, new { });
        await fixture.WaitForStatusAsync(id, "Completed");
        await page.GotoAsync(fixture.Console($"#/instances/{id}?node=call"));
        var row = page.Locator(".tl-row[data-path='call']");
        await Expect(row.Locator(".bar.attempt")).ToHaveCountAsync(3);
        await Expect(row.Locator(".bar.attempt.failed")).ToHaveCountAsync(2);
        await Expect(row.Locator(".bar.gap")).ToHaveCountAsync(2);
        await Expect(page.Locator("#node-panel ol.attempts li")).ToHaveCountAsync(3);
        await Expect(page.Locator("g.node[data-path='call'] > .badge")).ToHaveTextAsync("×3");
    }

    [Fact]
    public async Task ADeepLinkInAFreshTabAsksForTheKeyOnceThenShowsTheInstance()
    {
        var name = await fixture.RegisterAsync(Unique("fresh"), """{ "a": { "type": "set", "value": 1 } }""");
        var id = await fixture.StartAsync(name, new { });
        await fixture.WaitForStatusAsync(id, "Completed");
        var page = await Open(withKey: false);

        // The status and the node detail are asked for together and both refused: one question answers both.
        await page.GotoAsync(fixture.Console($"#/instances/{id}"));
        await page.Locator("dialog input[name=key]").FillAsync(fixture.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();

        await Expect(page.Locator("g.node[data-path='a']")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(page.Locator("dialog[open]")).ToHaveCountAsync(0);
        Assert.DoesNotContain(fixture.ApiKey, page.Url, StringComparison.Ordinal);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var page in _pages)
        {
            await page.Context.CloseAsync();
        }
    }

    private async Task<IPage> Open(bool withKey = true)
    {
        var page = await fixture.NewPageAsync(withKey);
        _pages.Add(page);
        return page;
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
