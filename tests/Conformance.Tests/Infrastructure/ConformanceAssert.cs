using Serverless.Conformance.Tests.Scenarios;

namespace Serverless.Conformance.Tests.Infrastructure;

/// <summary>The checks every runner's outcome must pass.</summary>
public static class ConformanceAssert
{
    /// <summary>
    /// The outcome has exactly the scenario's instances, each with its explicit expected result, passes the scenario's
    /// own checks, and, when a reference outcome is given, reports every instance exactly as the reference does.
    /// </summary>
    public static void Matches(Scenario scenario, ScenarioOutcome outcome, string runner, ScenarioOutcome? reference)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(outcome);
        Assert.Equal(scenario.Expected.Keys.Order(StringComparer.Ordinal), outcome.Instances.Keys.Order(StringComparer.Ordinal));
        foreach (var (role, expected) in scenario.Expected)
        {
            expected.AssertMatches(outcome.Instances[role], runner, role);
        }

        scenario.Verify?.Invoke(outcome, runner);
        if (reference is not null)
        {
            foreach (var role in scenario.Expected.Keys)
            {
                // Everything compared, including the full error object and workflow name, as the reference reports it.
                Assert.Equal(reference.Instances[role].Canonical(), outcome.Instances[role].Canonical());
            }
        }
    }
}
