using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Serverless.Testing;
using Spectre.Console.Cli.Testing;
using Spectre.Console.Testing;

namespace Serverless.Cli.Tests.Infrastructure;

/// <summary>
/// An Azurite of its own and the standalone host in process on a loopback port with an API key and the scripted
/// activities; a configuration file whose default profile points at the host and takes its key from a variable.
/// Commands run in process through Spectre's <see cref="CommandAppTester"/>.
/// </summary>
public sealed class CliFixture : IAsyncLifetime
{
    /// <summary>The variable the profile's <c>keyEnv</c> names.</summary>
    public const string KeyVariable = "SWF_CLI_TESTS_KEY";

    private Azurite? _azurite;
    private WebApplication? _host;

    /// <summary>The host's API key: it must never appear in the tool's output.</summary>
    public string ApiKey { get; } = "cli-tests-secret-key-5f1c";

    /// <summary>The host's address.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>A folder of this run's files: the configuration, definitions, inputs.</summary>
    public string Folder { get; } = Directory.CreateTempSubdirectory("swf-cli-tests-").FullName;

    /// <summary>The configuration file passed as <c>--config</c>.</summary>
    public string ConfigFile => Path.Combine(Folder, "cli.json");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        _azurite = await Azurite.StartAsync(cancellationToken: timeout.Token);
        (_host, BaseUrl) = await InProcessStandaloneHost.StartAsync(
            _azurite.ConnectionString,
            "clitests",
            timeout.Token,
            settings: new Dictionary<string, string?> { ["Host:ApiKey"] = ApiKey },
            executor: new ScriptedActivities(),
            apiKey: ApiKey);
        Api = new HttpClient { BaseAddress = BaseUrl };
        Api.DefaultRequestHeaders.Add("x-functions-key", ApiKey);
        Environment.SetEnvironmentVariable(KeyVariable, ApiKey);
        await File.WriteAllTextAsync(
            ConfigFile,
            $$"""{ "profiles": { "local": { "endpoint": "{{BaseUrl}}", "keyEnv": "{{KeyVariable}}" } }, "default": "local" }""");
    }

    /// <summary>Writes <paramref name="content"/> to a file of <see cref="Folder"/> and returns its path.</summary>
    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Runs <c>swf</c> with <paramref name="args"/> and <c>--config</c>, in process, on a test console.</summary>
    public async Task<CommandAppResult> RunAsync(params string[] args)
    {
        var result = await RunOfflineAsync([.. args, "--config", ConfigFile]);
        Assert.DoesNotContain(ApiKey, result.Output, StringComparison.Ordinal);
        return result;
    }

    /// <summary>Runs <c>swf</c> with <paramref name="args"/> as they are, in process, on a test console (60 s at most).</summary>
    public static async Task<CommandAppResult> RunOfflineAsync(params string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var tester = new CommandAppTester();
        tester.Configure(config => CliApp.Configure(config, tester.Console));
        return await tester.RunAsync(args, timeout.Token);
    }

    /// <summary>
    /// Runs <c>swf</c> with <paramref name="args"/> and <c>--config</c> on a test console that says it is an interactive
    /// ANSI terminal, and keeps the escape sequences in the output (60 s at most).
    /// </summary>
    public Task<CommandAppResult> RunOnTerminalAsync(params string[] args) => StartOnTerminal(args).Run;

    /// <summary>
    /// Starts what <see cref="RunOnTerminalAsync"/> runs and returns at once with its console, so a test can wait for
    /// what it has drawn so far (<see cref="WaitForOutputAsync"/>) before it changes the instance.
    /// </summary>
    public (Task<CommandAppResult> Run, TestConsole Console) StartOnTerminal(params string[] args)
    {
        var tester = new CommandAppTester();
        tester.Console.Profile.Capabilities.Ansi = true;
        tester.Console.Profile.Capabilities.Interactive = true;
        tester.Console.EmitAnsiSequences = true;
        tester.Configure(config => CliApp.Configure(config, tester.Console));
        return (RunAsync(), tester.Console);

        async Task<CommandAppResult> RunAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var result = await tester.RunAsync([.. args, "--config", ConfigFile], timeout.Token);
            Assert.DoesNotContain(ApiKey, result.Output, StringComparison.Ordinal);
            return result;
        }
    }

    /// <summary>Polls (every 20 ms, 30 s at most) until <paramref name="console"/> has written <paramref name="text"/>.</summary>
    public static async Task WaitForOutputAsync(TestConsole console, string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!console.Output.Contains(text, StringComparison.Ordinal))
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>The instance's status object, read directly over HTTP; null for 404.</summary>
    public async Task<JsonElement?> StatusAsync(string id, string query = "")
    {
        using var response = await Api.GetAsync(new Uri($"api/instances/{Uri.EscapeDataString(id)}{query}", UriKind.Relative));
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Waits, by long-polling the status route (after the instance exists), until it has <paramref name="runtimeStatus"/>; 30 s at most.</summary>
    public Task WaitForStatusAsync(string id, string runtimeStatus) => StatusLongPoll.UntilAsync(Api, id, runtimeStatus);

    /// <summary>A client of the host's API with the key set, to act on instances behind the tool's back.</summary>
    public HttpClient Api { get; private set; } = null!;

    /// <summary>Registers a workflow <c>{"name": name, "nodes": nodes, "output": output}</c> with <c>swf register</c>.</summary>
    public async Task<string> RegisterAsync(string name, string nodes, string? output = null)
    {
        var file = WriteFile(name + ".json", $$"""{ "name": "{{name}}", "nodes": {{nodes}}{{(output is null ? "" : $", \"output\": {output}")}} }""");
        var result = await RunAsync("register", file);
        Assert.True(result.ExitCode == 0, result.Output);
        return name;
    }

    public async Task DisposeAsync()
    {
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

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
    }
}
