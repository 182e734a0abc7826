using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Serverless.Testing;

namespace Serverless.Console.Tests.Infrastructure;

/// <summary>
/// What every console test shares: an Azurite of its own, the standalone host in process on a loopback port with an API
/// key and the scripted test activities (no workflows registered), and one headless Chromium driven by Playwright. Each test gets a page
/// in a browser context of its own (<see cref="NewPageAsync"/>, or <see cref="ConsolePageTest"/>).
/// </summary>
/// <remarks>
/// The browser is the system's Chromium (<see cref="SystemChromium"/>). Without one the fixture fails, and with it every
/// console test: a missing browser is a broken setup, not a skip.
/// </remarks>
public sealed class ConsoleFixture : IAsyncLifetime
{
    private Azurite? _azurite;
    private WebApplication? _host;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The API key the host is configured with; the console asks for it and sends it as <c>x-functions-key</c>.</summary>
    public string ApiKey { get; } = "console-tests-key";

    /// <summary>The host's address, ending in <c>/</c>: the console is at <c>console/</c> under it.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>A client of the host's API with the key set, to seed workflows and instances.</summary>
    public HttpClient Api { get; private set; } = null!;

    /// <summary>The Chromium the tests drive.</summary>
    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var chromium = SystemChromium.Find();
        _azurite = await Azurite.StartAsync(cancellationToken: timeout.Token);
        (_host, var address) = await InProcessStandaloneHost.StartAsync(
            _azurite.ConnectionString,
            "consoletests",
            timeout.Token,
            settings: new Dictionary<string, string?> { ["Host:ApiKey"] = ApiKey },
            executor: new ScriptedActivities(),
            apiKey: ApiKey);
        BaseUrl = address;
        Api = new HttpClient { BaseAddress = address };
        Api.DefaultRequestHeaders.Add("x-functions-key", ApiKey);

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = SystemChromium.Arguments,
        });
    }

    /// <summary>
    /// A page in a new browser context (no cookies or storage from other tests), 1280×800; close its context when done.
    /// With <paramref name="withKey"/> the tab already holds the API key, as after the console asked for it once.
    /// </summary>
    public async Task<IPage> NewPageAsync(bool withKey = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        context.SetDefaultTimeout(15_000);
        if (withKey)
        {
            await context.AddInitScriptAsync($"sessionStorage.setItem('serverless-workflows.key', {JsonSerializer.Serialize(ApiKey)});");
        }

        return await context.NewPageAsync();
    }

    /// <summary>The console's address with a route, such as <c>#/instances/x</c>.</summary>
    public string Console(string route) => new Uri(BaseUrl, "console/" + route).ToString();

    /// <summary>Registers <c>{"name": name, "nodes": nodes}</c> through the API and returns the name.</summary>
    public async Task<string> RegisterAsync(string name, string nodes)
    {
        using var content = new StringContent($$"""{ "name": "{{name}}", "nodes": {{nodes}} }""", Encoding.UTF8, "application/json");
        using var response = await Api.PutAsync(new Uri($"api/workflows/{name}", UriKind.Relative), content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return name;
    }

    /// <summary>Starts an instance of <paramref name="workflow"/> through the API and returns its id.</summary>
    public async Task<string> StartAsync(string workflow, object input)
    {
        using var response = await Api.PostAsJsonAsync(new Uri($"api/workflows/{workflow}/instances", UriKind.Relative), input);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>The instance's status object.</summary>
    public async Task<JsonElement> StatusAsync(string id)
        => await Api.GetFromJsonAsync<JsonElement>(new Uri($"api/instances/{Uri.EscapeDataString(id)}", UriKind.Relative));

    /// <summary>Waits, by long-polling the status route, until the instance has <paramref name="runtimeStatus"/> (30 s at most).</summary>
    public Task WaitForStatusAsync(string id, string runtimeStatus) => StatusLongPoll.UntilAsync(Api, id, runtimeStatus);

    /// <summary>
    /// With <c>CONSOLE_SCREENSHOTS=1</c>, saves <paramref name="page"/> as <c>docs/images/console-{name}.png</c> in the
    /// repository (the documentation's pictures of the console); otherwise does nothing.
    /// </summary>
    public static async Task SaveScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (Environment.GetEnvironmentVariable("CONSOLE_SCREENSHOTS") != "1")
        {
            return;
        }

        var path = Path.Combine(Azurite.RepoRoot, "docs", "images", $"console-{name}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Api?.Dispose();
        if (_host is not null)
        {
            await _host.StopAsync();
            await _host.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
