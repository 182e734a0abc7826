using Serverless.Conformance.Tests.Infrastructure;
using Serverless.Conformance.Tests.Runners;
using Serverless.Conformance.Tests.Scenarios;
using Serverless.Engine.Replay;

namespace Serverless.Conformance.Tests;

/// <summary>
/// The durable adapter on the Durable Task engine (Azure Storage provider) over its own Azurite, through the gRPC
/// sidecar. A history bound of 40 with at most 8 node runs outstanding makes the 60-item foreach (maxConcurrency 0:
/// the host's maximum, the width cap) hold items back when the bound is reached, so the instance continues as new.
/// </summary>
public sealed class DurableTaskFixture : AzuriteRunnerFixture
{
    /// <inheritdoc/>
    protected override async Task<IWorkflowRunner> CreateRunnerAsync(string connectionString, CancellationToken cancellationToken)
        => await DurableTaskRunner.StartAsync(
            connectionString, "conformance", new OrchestrationDriverOptions { HistoryBound = 40, MaxOutstandingWork = 8 }, cancellationToken);
}

/// <summary>The conformance scenarios on Durable Task; each result must equal the expected one and the reference's.</summary>
public sealed class DurableTaskConformanceTests(DurableTaskFixture fixture) : IClassFixture<DurableTaskFixture>
{
    public static TheoryData<string> Scenarios => ConformanceScenarios.Names();

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario_OnDurableTask_GivesTheExpectedAndTheReferenceResult(string scenario)
    {
        using var timeout = new CancellationTokenSource(RunnerFixture.ScenarioTimeout + RunnerFixture.StartTimeout);
        var outcome = await fixture.OutcomeAsync(scenario).WaitAsync(timeout.Token);
        var reference = await Reference.OutcomeAsync(scenario).WaitAsync(timeout.Token);

        ConformanceAssert.Matches(ConformanceScenarios.All[scenario], outcome, fixture.Runner.Name, reference);
        if (scenario == "refused-semantics-version")
        {
            // The newer state arrives as an orchestration input's continuation, as after a ContinueAsNew or a rerun;
            // the orchestration refuses it, so the instance fails with the refusal as its failure text.
            Assert.Equal("yes", outcome.Notes["applicable"]);
            Assert.StartsWith("the instance ended Failed", outcome.Notes["where"], StringComparison.Ordinal);
        }
    }
}
