using Serverless.Conformance.Tests.Infrastructure;
using Serverless.Conformance.Tests.Runners;
using Serverless.Conformance.Tests.Scenarios;

namespace Serverless.Conformance.Tests;

/// <summary>The reference runner, and the outcomes the other runners are compared with.</summary>
public sealed class EngineTestHostFixture : RunnerFixture
{
    /// <summary>The reference host is single-threaded: its scenarios run one after another (in virtual time, so quickly).</summary>
    protected override bool Concurrent => false;

    /// <inheritdoc/>
    protected override Task<IWorkflowRunner> CreateRunnerAsync(CancellationToken cancellationToken)
        => Task.FromResult<IWorkflowRunner>(new EngineTestHostRunner());
}

/// <summary>The conformance scenarios on <see cref="Engine.Testing.EngineTestHost"/>, the in-memory reference on virtual time.</summary>
public sealed class EngineTestHostConformanceTests(EngineTestHostFixture fixture) : IClassFixture<EngineTestHostFixture>
{
    public static TheoryData<string> Scenarios => ConformanceScenarios.Names();

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario_OnEngineTestHost_GivesTheExpectedResult(string scenario)
    {
        using var timeout = new CancellationTokenSource(RunnerFixture.ScenarioTimeout + RunnerFixture.StartTimeout);
        var outcome = await fixture.OutcomeAsync(scenario).WaitAsync(timeout.Token);

        ConformanceAssert.Matches(ConformanceScenarios.All[scenario], outcome, fixture.Runner.Name, reference: null);
        if (scenario == "refused-semantics-version")
        {
            // Not applicable to this runner: the in-memory host never stores or reads back a state, so nothing a newer
            // engine wrote can reach it. The scenario checked the engine's own refusal (decider and serializer) instead.
            Assert.Equal("no", outcome.Notes["applicable"]);
        }
    }
}

/// <summary>Reference outcomes for the other runners: the scenarios once on a fresh reference host per process.</summary>
public static class Reference
{
    private static readonly Lazy<EngineTestHostFixture> Fixture = new(() =>
    {
        var fixture = new EngineTestHostFixture();
        fixture.InitializeAsync().GetAwaiter().GetResult();
        return fixture;
    });

    /// <summary>The reference outcome of <paramref name="scenario"/>.</summary>
    public static Task<ScenarioOutcome> OutcomeAsync(string scenario) => Fixture.Value.OutcomeAsync(scenario);
}
