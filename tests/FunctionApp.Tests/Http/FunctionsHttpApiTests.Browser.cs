using Microsoft.Playwright;
using Serverless.Testing;
using static Microsoft.Playwright.Assertions;

namespace Serverless.FunctionApp.Tests.Http;

/// <summary>
/// In Chromium: the web console as the Functions app serves it (<c>/api/console/</c>), in Chromium, over the app's own HTTP functions
/// on the Durable Task engine: the instance page follows an instance live (the status long-poll re-reads the Durable
/// client's status) and approves its event, as it does on the standalone host.
/// </summary>
public sealed partial class FunctionsHttpApiTests
{
    [Fact]
    public async Task ConsoleOnTheFunctionsApp_FollowsAnInstanceLiveAndApprovesItsEvent()
    {
        var ct = new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token;
        var functions = Functions;
        using var definition = new StringContent("""
            { "name": "fn-console", "nodes": {
              "ask": { "type": "activity", "activity": "echo", "input": "${{ input }}" },
              "approval": { "type": "event", "runAfter": ["ask"], "event": "approve" },
              "done": { "type": "set", "runAfter": ["approval"], "value": "${{ nodes.approval.output }}" } } }
            """, System.Text.Encoding.UTF8, "application/json");
        using var registered = await functions.PutAsync("/api/workflows/fn-console", definition, ct);
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync(ct));
        using var input = new StringContent("""{ "amount": 3 }""", System.Text.Encoding.UTF8, "application/json");
        using var started = await functions.PostAsync("/api/workflows/fn-console/instances?instanceId=fn-console-1", input, ct);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = SystemChromium.Find(),
            Headless = true,
            Args = SystemChromium.Arguments,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(new Uri(functions.BaseAddress!, "/api/console/#/instances/fn-console-1").ToString());
        await page.EvaluateAsync("() => { window.notReloaded = true; }");

        await Expect(page.Locator("g.node[data-path='ask']")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(page.Locator("g.node[data-path='approval']")).ToHaveAttributeAsync("data-status", "running");
        await Expect(page.Locator("#waiting")).ToContainTextAsync("approve");

        await page.Locator("#raise").ClickAsync();
        await Expect(page.Locator("dialog input[name=eventName]")).ToHaveValueAsync("approve");
        await page.Locator("dialog textarea[name=payload]").FillAsync("""{"approved": true}""");
        await page.GetByRole(AriaRole.Button, new() { Name = "Raise", Exact = true }).ClickAsync();

        await Expect(page.Locator("g.node[data-path='done']")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(page.Locator("h1 .pill")).ToHaveTextAsync("Completed");
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"), "the page reloaded instead of updating live");

        // The workflow page and its export, through the app's functions.
        await page.GotoAsync(new Uri(functions.BaseAddress!, "/api/console/#/workflows/fn-console").ToString());
        await Expect(page.Locator("g.node[data-path='approval']")).ToBeVisibleAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export Mermaid" }).ClickAsync());
        Assert.StartsWith("flowchart LR", await File.ReadAllTextAsync((await download.PathAsync())!, ct), StringComparison.Ordinal);
    }
}
