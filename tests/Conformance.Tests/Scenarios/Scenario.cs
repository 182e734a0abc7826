using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Conformance.Tests.Runners;

namespace Serverless.Conformance.Tests.Scenarios;

/// <summary>
/// One conformance scenario: the definitions it registers, the steps it takes on a runner, and the result it expects
/// of every instance it starts, stated explicitly so that two runners wrong in the same way still fail.
/// </summary>
/// <param name="Name">The scenario name (kebab case; instance ids start with it).</param>
/// <param name="Checks">What the scenario checks, in one line (docs/testing.md lists these).</param>
/// <param name="Definitions">The definitions it registers.</param>
/// <param name="Run">The steps, on one runner.</param>
/// <param name="Expected">The expected result of each instance, by role.</param>
/// <param name="Verify">Further checks on the outcome (times, notes), given the runner's name.</param>
public sealed record Scenario(
    string Name,
    string Checks,
    ImmutableArray<string> Definitions,
    Func<ScenarioContext, Task<ScenarioOutcome>> Run,
    ImmutableDictionary<string, Expected> Expected,
    Action<ScenarioOutcome, string>? Verify = null)
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>What a scenario's steps get: the runner, the instance ids and the deadline.</summary>
public sealed class ScenarioContext(Scenario scenario, IWorkflowRunner runner, CancellationToken cancellationToken)
{
    /// <summary>The runner.</summary>
    public IWorkflowRunner Runner { get; } = runner;

    /// <summary>The scenario's deadline.</summary>
    public CancellationToken Token { get; } = cancellationToken;

    /// <summary>The id of the scenario's instance in <paramref name="role"/>.</summary>
    public string Id(string role) => $"{scenario.Name}-{role}";

    /// <summary>Starts the instance in <paramref name="role"/>.</summary>
    public Task<string> StartAsync(string workflow, string role, string input)
        => StartAsync(workflow, role, Json.Element(input));

    /// <summary>Starts the instance in <paramref name="role"/>.</summary>
    public async Task<string> StartAsync(string workflow, string role, JsonElement input)
    {
        var id = Id(role);
        await Runner.StartAsync(workflow, id, input, Token);
        return id;
    }

    /// <summary>Waits until the instance is final and reads it.</summary>
    public Task<InstanceResult> FinalAsync(string instanceId) => Poll.FinalAsync(Runner, instanceId, Token);
}

/// <summary>What a scenario observed on one runner: each instance's result by role, and named notes.</summary>
public sealed class ScenarioOutcome
{
    /// <summary>The result of each instance, by role.</summary>
    public Dictionary<string, InstanceResult> Instances { get; } = new(StringComparer.Ordinal);

    /// <summary>Observations the scenario's own checks read (a status seen on the way, a refusal's text).</summary>
    public Dictionary<string, string> Notes { get; } = new(StringComparer.Ordinal);
}

/// <summary>The expected result of one instance.</summary>
/// <param name="Status">The runtime status.</param>
/// <param name="Output">The output of a Completed instance.</param>
/// <param name="ErrorType">The error type of a Failed or Terminated instance.</param>
/// <param name="ErrorMessage">The exact error message, when the scenario controls it.</param>
/// <param name="ErrorDetails">The error details, when the scenario checks them.</param>
/// <param name="Nodes">Every node and iteration as <c>path status attempts</c>, in ordinal path order.</param>
public sealed record Expected(string Status, JsonNode? Output, string? ErrorType, string? ErrorMessage, JsonNode? ErrorDetails, ImmutableArray<string> Nodes)
{
    /// <summary>Completed with <paramref name="output"/> (JSON) and these nodes.</summary>
    public static Expected Completed(string output, params string[] nodes) => Completed(JsonNode.Parse(output), nodes);

    /// <summary>Completed with <paramref name="output"/> and these nodes.</summary>
    public static Expected Completed(JsonNode? output, params string[] nodes) => new("Completed", output, null, null, null, Ordered(nodes));

    /// <summary>Failed with this error and these nodes.</summary>
    public static Expected Failed(string type, string message, params string[] nodes) => new("Failed", null, type, message, null, Ordered(nodes));

    /// <summary>Terminated with this reason and these nodes.</summary>
    public static Expected Terminated(string reason, params string[] nodes) => new("Terminated", null, "Terminated", reason, null, Ordered(nodes));

    /// <summary>The same result with these error details.</summary>
    public Expected WithDetails(string details) => this with { ErrorDetails = JsonNode.Parse(details) };

    /// <summary>Asserts <paramref name="actual"/> is this result (the runner's name in every message).</summary>
    public void AssertMatches(InstanceResult actual, string runner, string role)
    {
        ArgumentNullException.ThrowIfNull(actual);
        var what = $"{runner}, instance '{role}'";
        Assert.True(Status == actual.RuntimeStatus, $"{what}: expected {Status}, got\n{actual.Canonical()}");
        Assert.True(
            Json.Canonical(Output) == Json.Canonical(actual.Output),
            $"{what}: output\nexpected {Shorten(Json.Canonical(Output))}\nactual   {Shorten(Json.Canonical(actual.Output))}");
        Assert.True(ErrorType == actual.ErrorType, $"{what}: error type expected {ErrorType}, got {Json.Canonical(actual.Error)}");
        if (ErrorMessage is not null)
        {
            Assert.True(ErrorMessage == actual.ErrorMessage, $"{what}: error message expected '{ErrorMessage}', got '{actual.ErrorMessage}'");
        }

        if (ErrorDetails is not null)
        {
            Assert.True(
                Json.Canonical(ErrorDetails) == Json.Canonical(actual.Error?["details"]),
                $"{what}: error details expected {Json.Canonical(ErrorDetails)}, got {Json.Canonical(actual.Error?["details"])}");
        }

        Assert.True(
            Nodes.SequenceEqual(actual.Nodes.Select(n => n.ToString())),
            $"{what}: nodes\nexpected:\n  {string.Join("\n  ", Nodes)}\nactual:\n  {string.Join("\n  ", actual.Nodes)}");
    }

    // Runners list nodes in ordinal path order (NodeDetails.List); expectations are written in reading order.
    private static ImmutableArray<string> Ordered(string[] nodes)
        => [.. nodes.OrderBy(n => n[..n.IndexOf(' ', StringComparison.Ordinal)], StringComparer.Ordinal)];

    private static string Shorten(string text) => text.Length <= 400 ? text : $"{text[..200]}…({text.Length} chars)…{text[^100..]}";
}
