using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Samples.Services;
using Serverless.Testing;

namespace Serverless.Standalone.Tests.Infrastructure;

/// <summary>
/// What samples/README.md's "Start" section starts, as a user starts it: the standalone host as a real process
/// (<c>dotnet Serverless.Standalone.dll</c>) in the Development profile, as scripts/run-local.sh runs it, with the environment
/// the documented command line sets, on an Azurite of its own; and the sample services. Documented commands address
/// them as <see cref="HostUrl"/> and <see cref="ServicesUrl"/>; <see cref="Rewrite"/> points them at these instances.
/// </summary>
public sealed partial class DocumentedHostFixture : IAsyncLifetime
{
    /// <summary>The host's address in the documentation (scripts/run-local.sh's default).</summary>
    public const string HostUrl = "http://127.0.0.1:7071";

    /// <summary>The sample services' address in the documentation (their default).</summary>
    public const string ServicesUrl = "http://127.0.0.1:7072";

    private Azurite? _azurite;
    private HostProcess? _host;
    private WebApplication? _services;
    private string _servicesBase = string.Empty;

    /// <summary>The environment samples/README.md's run-local.sh command line sets.</summary>
    public IReadOnlyDictionary<string, string> StartEnvironment { get; private set; } = new Dictionary<string, string>();

    public HttpClient Client { get; } = new();

    public string HostOutput => _host?.Output ?? string.Empty;

    /// <summary>Every line the host wrote so far.</summary>
    public IReadOnlyList<string> HostLines => _host?.Lines ?? [];

    public static string Read(string document) => File.ReadAllText(Path.Combine(Azurite.RepoRoot, document));

    /// <summary>
    /// The environment samples/README.md's <c>scripts/run-local.sh</c> command line sets, after checking that the
    /// section also starts the sample services with <c>dotnet run --project samples/Services.Sample</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ReadStartEnvironment()
    {
        var commands = DocumentedSteps.BashBlocks(Read("samples/README.md"))
            .Where(b => b.Code.Contains("scripts/run-local.sh", StringComparison.Ordinal) || b.Code.Contains("dotnet run", StringComparison.Ordinal))
            .SelectMany(b => DocumentedSteps.Commands(b.Code))
            .ToList();
        var runLocal = commands.Single(c => c.Words.Contains("scripts/run-local.sh"));
        Assert.Equal("scripts/run-local.sh", runLocal.Words[^1]);
        Assert.Contains(commands, c => c.Words.SequenceEqual(["dotnet", "run", "--project", "samples/Services.Sample"]));
        return DocumentedSteps.Environment(runLocal);
    }

    /// <summary>A documented text with the documented addresses replaced by the running ones.</summary>
    public string Rewrite(string text)
        => text.Replace(HostUrl, _host!.Client.BaseAddress!.ToString().TrimEnd('/'), StringComparison.Ordinal)
            .Replace(ServicesUrl, _servicesBase, StringComparison.Ordinal);

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        StartEnvironment = ReadStartEnvironment();
        _services = SampleServices.Create(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        await _services.StartAsync(timeout.Token);
        _servicesBase = _services.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

        _azurite = await Azurite.StartAsync(cancellationToken: timeout.Token);

        // What scripts/run-local.sh gives the host besides the storage: the Development profile, and the caller's environment.
        var settings = new Dictionary<string, string>(StartEnvironment, StringComparer.Ordinal) { ["ASPNETCORE_ENVIRONMENT"] = "Development" };
        _host = await HostProcess.StartAsync(_azurite.ConnectionString, "samples", timeout.Token, settings);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_services is not null)
        {
            await _services.StopAsync();
            await _services.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    /// <summary>
    /// Runs documented steps in order and checks each answer. A status request expected to answer 200 is repeated while
    /// it answers 202 (the instance still runs), as the documentation tells the reader to.
    /// </summary>
    public async Task RunAsync(IEnumerable<CurlStep> steps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(steps);
        foreach (var step in steps)
        {
            var (status, body) = await SendAsync(step, cancellationToken);
            while (status == 202 && step.ExpectedStatus == 200 && step.Method == "GET" && StatusRoute().IsMatch(new Uri(step.Url).AbsolutePath))
            {
                await Poll.PauseAsync(cancellationToken);
                (status, body) = await SendAsync(step, cancellationToken);
            }

            Assert.True(status == step.ExpectedStatus, $"{step.Text}\nanswered {status}: {body}\nhost output:\n{HostOutput}");
            if (step.ExpectedJson is { } expected)
            {
                var difference = DocumentedSteps.Contains(JsonNode.Parse(Rewrite(expected)), JsonNode.Parse(body));
                Assert.True(difference is null, $"{step.Text}\nanswered {status}: {body}\n{difference}");
            }
        }
    }

    private async Task<(int Status, string Body)> SendAsync(CurlStep step, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(step.Method), Rewrite(step.Url));
        if (step.Body is not null)
        {
            request.Content = new StringContent(Rewrite(step.Body));
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(step.ContentType!);
        }

        foreach (var (name, value) in step.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, Rewrite(value));
        }

        using var response = await Client.SendAsync(request, cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    [GeneratedRegex("^/(runtime/webhooks/durabletask|api)/instances/[^/]+$")]
    private static partial Regex StatusRoute();
}
