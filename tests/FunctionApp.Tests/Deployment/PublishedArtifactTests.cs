using System.Diagnostics;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;

namespace Serverless.FunctionApp.Tests.Deployment;

/// <summary>
/// What Azure Functions (and Core Tools) load from the deployed package: <c>dotnet publish</c> of the app must yield
/// <c>functions.metadata</c> with exactly the expected functions, <c>extensions.json</c> with the Durable Task
/// extension, <c>worker.config.json</c> and <c>host.json</c>.
/// </summary>
public sealed class PublishedArtifactTests : IClassFixture<PublishedArtifactTests.Publish>
{
    private const string Function = "function";

    // (name, trigger, route, methods, authorization level): the app's whole surface, as the Functions host sees it.
    private static readonly (string Name, string Trigger, string? Route, string? Methods, string? AuthLevel)[] Expected =
    [
        ("PutWorkflow", "httpTrigger", "workflows/{name}", "put", Function),
        ("ValidateWorkflow", "httpTrigger", "workflows/validate", "post", Function),
        ("ListWorkflows", "httpTrigger", "workflows", "get", Function),
        ("GetWorkflow", "httpTrigger", "workflows/{name}", "get", Function),
        ("ListWorkflowVersions", "httpTrigger", "workflows/{name}/versions", "get", Function),
        ("GetWorkflowVersion", "httpTrigger", "workflows/{name}/versions/{version}", "get", Function),
        ("GetWorkflowDiagram", "httpTrigger", "workflows/{name}/diagram", "get", Function),
        ("StartWorkflow", "httpTrigger", "workflows/{name}/instances", "post", Function),
        ("ListInstanceNodes", "httpTrigger", "instances/{id}/nodes", "get", Function),
        ("RerunInstance", "httpTrigger", "instances/{id}/rerun", "post", Function),
        ("ListInstances", "httpTrigger", "instances", "get", Function),
        ("GetInstanceStatus", "httpTrigger", "instances/{id}", "get", Function),
        ("RaiseInstanceEvent", "httpTrigger", "instances/{id}/raiseEvent/{eventName}", "post", Function),
        ("TerminateInstance", "httpTrigger", "instances/{id}/terminate", "post", Function),
        ("SuspendInstance", "httpTrigger", "instances/{id}/suspend", "post", Function),
        ("ResumeInstance", "httpTrigger", "instances/{id}/resume", "post", Function),
        ("PurgeInstance", "httpTrigger", "instances/{id}", "delete", Function),
        ("Console", "httpTrigger", "console/{*path}", "get,head", "anonymous"),
        ("WorkflowOrchestrator", "orchestrationTrigger", null, null, null),
        ("RunWorkflowNode", "activityTrigger", null, null, null),
        ("LoadWorkflowDefinition", "activityTrigger", null, null, null),
        ("ResolveWorkflowVersion", "activityTrigger", null, null, null),
        ("SaveWorkflowCheckpoint", "activityTrigger", null, null, null),
        ("TerminateWorkflowInstance", "activityTrigger", null, null, null),
    ];

    private readonly Publish _publish;

    public PublishedArtifactTests(Publish publish) => _publish = publish;

    [Fact]
    public void FunctionsMetadata_ListsExactlyTheExpectedFunctionsWithTheirTriggers()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(_publish.PathOf("functions.metadata")));
        var actual = metadata.RootElement.EnumerateArray().Select(f =>
        {
            var trigger = f.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            return (
                Name: f.GetProperty("name").GetString()!,
                Trigger: trigger.GetProperty("type").GetString()!,
                Route: trigger.TryGetProperty("route", out var route) ? route.GetString() : null,
                Methods: trigger.TryGetProperty("methods", out var methods) ? string.Join(",", methods.EnumerateArray().Select(m => m.GetString())) : null,
                AuthLevel: trigger.TryGetProperty("authLevel", out var auth) ? auth.GetString()!.ToLowerInvariant() : null);
        }).OrderBy(f => f.Name, StringComparer.Ordinal).ToArray();

        Assert.Equal(Expected.OrderBy(f => f.Name, StringComparer.Ordinal).ToArray(), actual);
        Assert.All(metadata.RootElement.EnumerateArray(), f =>
            Assert.Equal("Serverless.FunctionApp.dll", f.GetProperty("scriptFile").GetString()));
    }

    [Fact]
    public void FunctionsMetadata_DurableClientBindings_AreOnTheFunctionsThatNeedTheClient()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(_publish.PathOf("functions.metadata")));
        var withClient = metadata.RootElement.EnumerateArray()
            .Where(f => f.GetProperty("bindings").EnumerateArray().Any(b => b.GetProperty("type").GetString() == "durableClient"))
            .Select(f => f.GetProperty("name").GetString())
            .Order(StringComparer.Ordinal);

        Assert.Equal(
            [
                "GetInstanceStatus", "ListInstanceNodes", "ListInstances", "PurgeInstance", "RaiseInstanceEvent", "RerunInstance",
                "ResumeInstance", "StartWorkflow", "SuspendInstance", "TerminateInstance", "TerminateWorkflowInstance",
            ],
            withClient);
    }

    [Fact]
    public void ExtensionsJson_LoadsTheDurableTaskExtensionFromThePackage()
    {
        using var extensions = JsonDocument.Parse(File.ReadAllText(_publish.PathOf("extensions.json")));
        var durable = extensions.RootElement.GetProperty("extensions").EnumerateArray()
            .Single(e => e.GetProperty("name").GetString() == "DurableTask");

        Assert.StartsWith("Microsoft.Azure.WebJobs.Extensions.DurableTask.DurableTaskWebJobsStartup, ", durable.GetProperty("typeName").GetString(), StringComparison.Ordinal);
        Assert.True(File.Exists(_publish.PathOf(durable.GetProperty("hintPath").GetString()!)), "the extension's assembly is in the package");
    }

    [Fact]
    public void WorkerConfig_StartsTheIsolatedWorkerAssembly()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(_publish.PathOf("worker.config.json")));
        var description = config.RootElement.GetProperty("description");

        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("Serverless.FunctionApp.dll", description.GetProperty("defaultWorkerPath").GetString());
        Assert.True(File.Exists(_publish.PathOf("Serverless.FunctionApp.dll")));
    }

    [Fact]
    public void Package_CarriesTheConsoleWithItsFiles()
    {
        using var assembly = new PEReader(File.OpenRead(_publish.PathOf("Serverless.Console.dll")));
        var reader = assembly.GetMetadataReader();
        var resources = reader.ManifestResources.Select(r => reader.GetString(reader.GetManifestResource(r).Name));

        Assert.Contains("index.html", resources);
        Assert.Contains("app.js", resources);
    }

    [Fact]
    public void HostJson_ConfiguresTheTaskHubOnAzureStorageTheApiRoutePrefixAndOpenTelemetry()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(_publish.PathOf("host.json")));
        var extensions = host.RootElement.GetProperty("extensions");
        var durable = extensions.GetProperty("durableTask");

        Assert.Equal("2.0", host.RootElement.GetProperty("version").GetString());
        Assert.Equal("OpenTelemetry", host.RootElement.GetProperty("telemetryMode").GetString());
        Assert.Equal("api", extensions.GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Equal("%TASKHUB_NAME%", durable.GetProperty("hubName").GetString());
        Assert.Equal("AzureStorage", durable.GetProperty("storageProvider").GetProperty("type").GetString());
        Assert.Equal("NonRunningStates", durable.GetProperty("overridableExistingInstanceStates").GetString());
        Assert.False(File.Exists(_publish.PathOf("local.settings.json")), "local settings never ship");
    }

    /// <summary>Runs <c>dotnet publish</c> of src/FunctionApp once (the build the tests ran against) into a temporary folder.</summary>
    public sealed class Publish : IAsyncLifetime
    {
#if DEBUG
        private const string Configuration = "Debug";
#else
        private const string Configuration = "Release";
#endif

        private readonly string _output = Path.Combine(Path.GetTempPath(), "serverless-publish-" + Environment.ProcessId);

        public string PathOf(string relative) => Path.GetFullPath(Path.Combine(_output, relative));

        public async Task InitializeAsync()
        {
            var project = Path.Combine(RepoRoot(), "src", "FunctionApp", "FunctionApp.csproj");
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "publish", project, "-c", Configuration, "--no-build", "-o", _output, "-nologo", "-v", "quiet" })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"dotnet publish failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        }

        public Task DisposeAsync()
        {
            if (Directory.Exists(_output))
            {
                Directory.Delete(_output, recursive: true);
            }

            return Task.CompletedTask;
        }

        private static string RepoRoot()
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Serverless.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (Serverless.sln).");
        }
    }
}
