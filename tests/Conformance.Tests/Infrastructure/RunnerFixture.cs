using System.Diagnostics;
using Serverless.Conformance.Tests.Runners;
using Serverless.Conformance.Tests.Scenarios;
using Serverless.Testing;

namespace Serverless.Conformance.Tests.Infrastructure;

/// <summary>
/// One runner for a test class: created once, every scenario's definitions registered, then every scenario started at
/// once (they are independent: each uses its own workflows and instance ids), each under its own deadline. A test
/// awaits its scenario's outcome.
/// </summary>
public abstract class RunnerFixture : IAsyncLifetime
{
    /// <summary>Bound on one scenario, from the moment all of them start.</summary>
    public static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(100);

    /// <summary>Bound on starting the runner (Azurite, the host or the task hub).</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Dictionary<string, Task<ScenarioOutcome>> _outcomes = new(StringComparer.Ordinal);
    private IWorkflowRunner? _runner;

    /// <summary>The runner.</summary>
    public IWorkflowRunner Runner => _runner ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>Time from the start of the runner to the end of its last scenario (for the report).</summary>
    public Stopwatch Elapsed { get; } = new();

    /// <summary>True when the runner takes concurrent calls; false runs the scenarios one after another.</summary>
    protected virtual bool Concurrent => true;

    /// <summary>
    /// The scenarios this fixture runs: all, or those named (comma-separated) in <c>CONFORMANCE_SCENARIOS</c>, to
    /// debug one scenario with <c>--filter "DisplayName~name"</c> without running the others.
    /// </summary>
    public static IReadOnlyList<Scenario> Selected { get; } =
        Environment.GetEnvironmentVariable("CONFORMANCE_SCENARIOS") is { Length: > 0 } names
            ? [.. names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(n => ConformanceScenarios.All[n])]
            : [.. ConformanceScenarios.All.Values.OrderBy(s => s.Name, StringComparer.Ordinal)];

    /// <summary>The outcome of <paramref name="scenario"/> on this runner.</summary>
    public Task<ScenarioOutcome> OutcomeAsync(string scenario)
        => _outcomes.TryGetValue(scenario, out var outcome)
            ? outcome
            : throw new InvalidOperationException($"Scenario '{scenario}' is not among those CONFORMANCE_SCENARIOS selects.");

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        Elapsed.Start();
        using var start = new CancellationTokenSource(StartTimeout);
        _runner = await CreateRunnerAsync(start.Token);
        foreach (var definition in Selected.SelectMany(s => s.Definitions).Distinct(StringComparer.Ordinal))
        {
            await _runner.RegisterAsync(definition, start.Token);
        }

        if (Concurrent)
        {
            foreach (var scenario in Selected)
            {
                _outcomes[scenario.Name] = Task.Run(() => RunAsync(scenario, _runner));
            }
        }
        else
        {
            var pending = Selected.ToDictionary(s => s.Name, _ => new TaskCompletionSource<ScenarioOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
            foreach (var (name, completion) in pending)
            {
                _outcomes[name] = completion.Task;
            }

            _ = Task.Run(async () =>
            {
                foreach (var scenario in Selected)
                {
                    try
                    {
                        pending[scenario.Name].SetResult(await RunAsync(scenario, _runner));
                    }
                    catch (Exception ex)
                    {
                        pending[scenario.Name].SetException(ex);
                    }
                }
            });
        }
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        // Let every scenario end (each is bounded by its own deadline) before the runner goes away under it.
        try
        {
            await Task.WhenAll(_outcomes.Values);
        }
        catch (Exception)
        {
            // The tests report each scenario's failure.
        }

        Elapsed.Stop();
        System.Console.WriteLine($"Conformance runner {_runner?.Name}: all scenarios ended after {Elapsed.Elapsed.TotalSeconds:F1} s.");
        if (_runner is not null)
        {
            await _runner.DisposeAsync();
        }

        await DisposeResourcesAsync();
    }

    /// <summary>Creates the runner (and what it runs on).</summary>
    protected abstract Task<IWorkflowRunner> CreateRunnerAsync(CancellationToken cancellationToken);

    /// <summary>Releases what <see cref="CreateRunnerAsync"/> started besides the runner.</summary>
    protected virtual Task DisposeResourcesAsync() => Task.CompletedTask;

    private static async Task<ScenarioOutcome> RunAsync(Scenario scenario, IWorkflowRunner runner)
    {
        using var deadline = new CancellationTokenSource(ScenarioTimeout);
        return await scenario.Run(new ScenarioContext(scenario, runner, deadline.Token));
    }
}

/// <summary>A runner fixture whose runner stores its instances on an Azurite of its own, started before and killed after it.</summary>
public abstract class AzuriteRunnerFixture : RunnerFixture
{
    private Azurite? _azurite;

    /// <summary>Creates the runner over the Azurite at <paramref name="connectionString"/>.</summary>
    protected abstract Task<IWorkflowRunner> CreateRunnerAsync(string connectionString, CancellationToken cancellationToken);

    /// <inheritdoc/>
    protected sealed override async Task<IWorkflowRunner> CreateRunnerAsync(CancellationToken cancellationToken)
    {
        _azurite = await Azurite.StartAsync(cancellationToken: cancellationToken);
        return await CreateRunnerAsync(_azurite.ConnectionString, cancellationToken);
    }

    /// <inheritdoc/>
    protected sealed override async Task DisposeResourcesAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
