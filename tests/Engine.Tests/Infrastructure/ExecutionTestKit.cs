using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;
using Serverless.Engine.Execution;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Tests.Infrastructure;

internal static class ExecutionTestKit
{
    public const string InstanceId = "orders-1";

    public static CancellationToken TestTimeout(out CancellationTokenSource source)
    {
        source = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return source.Token;
    }

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value);

    public static HttpNode HttpNode(string id = "call") => new()
    {
        Id = id,
        Pointer = $"/nodes/{id}",
        Request = new Template($"/nodes/{id}/request", "{}", isConstant: true, [], usesSecrets: false, new object()),
    };

    /// <summary>
    /// The work the decider sends for an http node whose <c>request</c> is <paramref name="request"/> as written: it is
    /// compiled and evaluated against <paramref name="input"/>, so secret references come out as they do in a host.
    /// </summary>
    public static NodeWork HttpWork(object request, HttpNode? node = null, TimeSpan? timeout = null, int attempt = 1, string input = "{}")
    {
        node ??= HttpNode();
        var errors = new List<ValidationError>();
        var template = Template.Compile(request as JsonElement? ?? Json(request), $"{node.Pointer}/request", new TemplateOptions { AllowSecrets = true }, errors)
            ?? throw new ArgumentException(string.Join("; ", errors), nameof(request));
        node = node with { Request = template };
        var evaluated = template.Evaluate(Scopes.Minimal(input), out var secrets);
        var command = new RunNode($"{InstanceId}:{node.Id}:0:{attempt}", node.Id, node.Id, evaluated, timeout) { Secrets = secrets.Count > 0 ? secrets : null };
        return new NodeWork(InstanceId, node, command);
    }

    public static ActivityNode ActivityNode(string activity, string id = "act") => new()
    {
        Id = id,
        Pointer = $"/nodes/{id}",
        Activity = activity,
    };

    public static NodeWork ActivityWork(string activity, object? input, TimeSpan? timeout = null, int attempt = 1)
    {
        var node = ActivityNode(activity);
        var json = input as JsonElement? ?? Json(input!);
        return new NodeWork(InstanceId, node, new RunNode($"{InstanceId}:{node.Id}:0:{attempt}", node.Id, node.Id, json, timeout));
    }

    public static HttpNodeExecutor CreateHttpExecutor(
        Action<WorkflowExecutorOptions>? configure = null,
        TimeProvider? time = null,
        ISecretProvider? secrets = null,
        IHostResolver? resolver = null,
        ILogger<HttpNodeExecutor>? logger = null,
        IAccessTokenProvider? tokens = null)
    {
        var options = new WorkflowExecutorOptions();
        options.Http.Network.AllowLoopback = true;
        configure?.Invoke(options);
        return new HttpNodeExecutor(
            Options.Create(options),
            time ?? TimeProvider.System,
            secrets ?? new ConfigurationSecretProvider(null),
            resolver ?? new DnsHostResolver(),
            logger ?? new CapturingLogger<HttpNodeExecutor>(),
            tokens);
    }

    public static NodeOutcome.Succeeded Succeeded(NodeOutcome outcome) =>
        Assert.IsType<NodeOutcome.Succeeded>(outcome);

    public static NodeOutcome.Failed Failed(NodeOutcome outcome, string type)
    {
        var failed = Assert.IsType<NodeOutcome.Failed>(outcome);
        Assert.True(failed.Error.Type == type, $"expected {type}, got {failed.Error}");
        return failed;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test when the token ends first.</summary>
    public static async Task UntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(5, cancellationToken);
        }
    }
}

/// <summary>Resolves names from a fixed table; unknown names fail as DNS would.</summary>
internal sealed class FakeResolver(Dictionary<string, IPAddress[]> table) : IHostResolver
{
    public ConcurrentQueue<string> Lookups { get; } = new();

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        Lookups.Enqueue(host);
        return table.TryGetValue(host, out var addresses)
            ? Task.FromResult(addresses)
            : Task.FromException<IPAddress[]>(new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound));
    }
}

/// <summary>Keeps every formatted log line (message and exception) for assertions.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}"))
            : "";
        Lines.Enqueue($"{eventId.Id} {logLevel} {formatter(state, exception)} [{properties}] {exception}");
    }
}

internal sealed class DictionarySecrets(Dictionary<string, string> values) : ISecretProvider
{
    public ValueTask<string?> GetSecretAsync(string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(values.TryGetValue(name, out var value) ? value : null);
}
