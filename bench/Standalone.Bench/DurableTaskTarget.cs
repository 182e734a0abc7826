using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using DurableTask.AzureStorage;
using Microsoft.DurableTask.Client;
using Serverless.DurableTask;
using Serverless.Testing;

namespace Serverless.Standalone.Bench;

/// <summary>
/// The workflow orchestration of src/DurableTask (what the Functions app runs) on the real Durable Task engine with
/// the Azure Storage provider, through durabletask's gRPC sidecar (<see cref="WorkflowTaskHub"/>), with the Durable
/// Functions extension's default settings (<see cref="ApplyDurableFunctionsDefaults"/>); no-op nodes call
/// <see cref="ScriptedActivities"/>' <c>echo</c>. Times are the orchestrations' own <c>CreatedAt</c> to
/// <c>LastUpdatedAt</c> (the client's waiting does not count).
/// </summary>
internal sealed class DurableTaskTarget : IBenchTarget
{
    private static readonly TimeSpan ReadyPollInterval = TimeSpan.FromMilliseconds(20);
    private static int _started;
    private readonly WorkflowTaskHub _hub;
    private readonly StorageRequestCounter _requests;
    private readonly TableClient _history;

    private DurableTaskTarget(WorkflowTaskHub hub, StorageRequestCounter requests, TableClient history, string settings)
    {
        _hub = hub;
        _requests = requests;
        _history = history;
        Settings = settings;
    }

    /// <summary>The engine's effective Azure Storage settings that shape the figures, for the output.</summary>
    public string Settings { get; }

    /// <summary>Starts the engine, the sidecar and the worker on a new task hub of <paramref name="connectionString"/>.</summary>
    public static async Task<DurableTaskTarget> StartAsync(string connectionString, CancellationToken cancellationToken)
    {
        var requests = new StorageRequestCounter();
        AzureStorageOrchestrationServiceSettings? effective = null;
        var sidecar = new DurableTaskSidecarOptions
        {
            DeleteTaskHubOnDispose = true,
            LoggerFactory = TestLogging.FromEnvironment(),
            ConfigureSettings = settings =>
            {
                // The provider's default clients, with a counting policy added.
                settings.StorageAccountClientProvider = requests.ClientsFor(connectionString);
                ApplyDurableFunctionsDefaults(settings);
                effective = settings;
            },
        };
        var taskHub = string.Create(
            CultureInfo.InvariantCulture, $"benchdt{DateTime.UtcNow:HHmmss}n{Interlocked.Increment(ref _started)}");
        var hub = await WorkflowTaskHub.StartAsync(
            connectionString,
            taskHub,
            new ScriptedActivities(),
            new WorkflowTaskHubOptions { Sidecar = sidecar },
            cancellationToken);
        var settings = effective is null ? "?" : string.Create(
            CultureInfo.InvariantCulture,
            $"partitions {effective.PartitionCount}, maxQueuePollingInterval {effective.MaxQueuePollingInterval.TotalMilliseconds:F0} ms, "
            + $"controlQueueBatchSize {effective.ControlQueueBatchSize}, controlQueueBufferThreshold {effective.ControlQueueBufferThreshold}, "
            + $"orchestration work items {effective.MaxConcurrentTaskOrchestrationWorkItems}, activity work items {effective.MaxConcurrentTaskActivityWorkItems} "
            + $"({Environment.ProcessorCount} cores), extended sessions {effective.ExtendedSessionsEnabled}, "
            + $"table partition management {effective.UseTablePartitionManagement}; sidecar status polling {sidecar.StatusPollingInterval.TotalMilliseconds:F0} ms");
        return new DurableTaskTarget(hub, requests, new TableClient(connectionString, taskHub + "History"), settings);
    }

    /// <summary>
    /// What the Durable Functions extension (Microsoft.Azure.WebJobs.Extensions.DurableTask 3.x, outside the Consumption
    /// plan) hands the Azure Storage provider when host.json sets nothing: <c>AzureStorageOptions</c> (4 partitions,
    /// control-queue batches of 32, a control-queue buffer of 256 messages, queue polling backing off to at most 30 s)
    /// and <c>AzureStorageDurabilityProviderFactory</c> (10 orchestrator and 10 activity functions per core at once),
    /// no extended sessions (<c>DurableTaskOptions</c>), table partition management.
    /// </summary>
    private static void ApplyDurableFunctionsDefaults(AzureStorageOrchestrationServiceSettings settings)
    {
        settings.PartitionCount = 4;
        settings.ControlQueueBatchSize = 32;
        settings.ControlQueueBufferThreshold = 256;
        settings.MaxQueuePollingInterval = TimeSpan.FromSeconds(30);
        settings.MaxConcurrentTaskOrchestrationWorkItems = 10 * Environment.ProcessorCount;
        settings.MaxConcurrentTaskActivityWorkItems = 10 * Environment.ProcessorCount;
        settings.ExtendedSessionsEnabled = false;
        settings.UseTablePartitionManagement = true;
    }

    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        await _hub.RegisterAsync(Workloads.Chain("bench-warm", 20), cancellationToken);
        var ids = Enumerable.Range(0, 20).Select(i => "warm-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        await Task.WhenAll(ids.Select(id => _hub.StartAsync("bench-warm", id, Json("1"), cancellationToken)));
        await WaitAllAsync(ids, cancellationToken);
        await _hub.RegisterAsync(Workloads.Events("bench-warm-d", 200), cancellationToken);
        await _hub.StartAsync("bench-warm-d", "warm-d", Json("null"), cancellationToken);
        await WaitReadyAsync("warm-d", cancellationToken);
        await RaiseAsync("warm-d", 200, cancellationToken);
        await WaitAsync("warm-d", cancellationToken);
    }

    public TimeSpan? HostCpuTime() => null;

    public Task<ScenarioResult> RunAsync(string scenario, CancellationToken cancellationToken) => scenario switch
    {
        "A" => ScenarioAAsync(cancellationToken),
        "B" => ScenarioBAsync(cancellationToken),
        "C" => ScenarioCAsync(cancellationToken),
        "D" => ScenarioDAsync(cancellationToken),
        "E" => ScenarioEAsync(cancellationToken),
        _ => throw new ArgumentException($"Unknown scenario {scenario}; use A-E.", nameof(scenario)),
    };

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private async Task<ScenarioResult> ScenarioAAsync(CancellationToken cancellationToken)
    {
        await _hub.RegisterAsync(Workloads.Chain("bench-a", 100), cancellationToken);
        var before = _requests.Current;
        await _hub.StartAsync("bench-a", "a", Json("1"), cancellationToken);
        var meta = await WaitAsync("a", cancellationToken);
        var seconds = Elapsed(meta);
        var after = _requests.Current;
        ExpectOutput(meta, "1", "A");
        return new(100 / seconds, $"{100 / seconds:F0} nodes/s ({seconds:F2} s)", (after - before).PerStep(100, seconds), await StepTimesAsync("a", cancellationToken));
    }

    private async Task<ScenarioResult> ScenarioBAsync(CancellationToken cancellationToken)
    {
        await _hub.RegisterAsync(Workloads.Foreach("bench-b"), cancellationToken);
        var before = _requests.Current;
        await _hub.StartAsync("bench-b", "b", Json(Workloads.ForeachInput()), cancellationToken);
        var meta = await WaitAsync("b", cancellationToken);
        var seconds = Elapsed(meta);
        var after = _requests.Current;
        ExpectOutput(meta, Workloads.ForeachItems.ToString(CultureInfo.InvariantCulture), "B");
        return new(Workloads.ForeachItems / seconds, $"{Workloads.ForeachItems / seconds:F0} nodes/s ({seconds:F2} s)", (after - before).PerStep(Workloads.ForeachItems, seconds));
    }

    private async Task<ScenarioResult> ScenarioCAsync(CancellationToken cancellationToken)
    {
        await _hub.RegisterAsync(Workloads.Chain("bench-c", 10), cancellationToken);
        var before = _requests.Current;
        var ids = Enumerable.Range(0, 200).Select(i => "c-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        await Task.WhenAll(ids.Select((id, i) => _hub.StartAsync("bench-c", id, Json(i.ToString(CultureInfo.InvariantCulture)), cancellationToken)));
        var metas = await WaitAllAsync(ids, cancellationToken);
        var all = Span(metas);
        var latencies = metas.Select(Elapsed).Order().ToArray();
        var after = _requests.Current;
        return new(
            200 / all,
            $"{200 / all:F1} instances/s, p50 {latencies[100]:F2} s, p95 {latencies[190]:F2} s",
            (after - before).PerStep(2000, all));
    }

    private async Task<ScenarioResult> ScenarioDAsync(CancellationToken cancellationToken)
    {
        await _hub.RegisterAsync(Workloads.Events("bench-d", 100), cancellationToken);
        await _hub.StartAsync("bench-d", "d", Json("null"), cancellationToken);

        // The standalone host's start returns with the instance decided; here the first decision (after the
        // definition's activity) is what publishes the custom status, so raising starts once the wait is in place.
        await WaitReadyAsync("d", cancellationToken);
        var before = _requests.Current;
        var firstRaise = DateTimeOffset.UtcNow;
        var raising = Stopwatch.StartNew();
        await RaiseAsync("d", 100, cancellationToken);
        var raised = raising.Elapsed.TotalSeconds;
        var meta = await WaitAsync("d", cancellationToken);
        var seconds = (meta.LastUpdatedAt - firstRaise).TotalSeconds;
        var after = _requests.Current;
        ExpectOutput(meta, "99", "D (events consumed out of order?)");
        return new(100 / seconds, $"{100 / seconds:F0} events/s ({seconds:F2} s; the raises took {raised:F2} s)", (after - before).PerStep(100, seconds));
    }

    private async Task<ScenarioResult> ScenarioEAsync(CancellationToken cancellationToken)
    {
        await _hub.RegisterAsync(Workloads.Wait("bench-e"), cancellationToken);
        var before = _requests.Current;
        var ids = Enumerable.Range(0, 200).Select(i => "e-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var startClock = Stopwatch.StartNew();
        await Task.WhenAll(ids.Select(id => _hub.StartAsync("bench-e", id, Json("null"), cancellationToken)));
        var starting = startClock.Elapsed.TotalSeconds;
        var metas = await WaitAllAsync(ids, cancellationToken);
        var seconds = Span(metas);
        var after = _requests.Current;
        var waits = new List<TimeSpan>();
        var reached = new List<TimeSpan>();
        for (var i = 0; i < ids.Length; i++)
        {
            // The final checkpoint's node timestamps are the orchestration's replay-safe clock (history time).
            var w = (await _hub.StateAsync(ids[i], cancellationToken))?.Nodes["w"]
                ?? throw new InvalidOperationException($"E: no final checkpoint for {ids[i]}.");
            var started = w.StartedAt ?? throw new InvalidOperationException($"E: {ids[i]}'s wait has no start time.");
            waits.Add((w.CompletedAt ?? throw new InvalidOperationException($"E: {ids[i]}'s wait has no completion time.")) - started);
            reached.Add(started - metas[i].CreatedAt);
        }

        return new(seconds, Figures.Waits(seconds, starting, waits, reached), (after - before).PerStep(200, seconds), await RearmedTimersAsync(ids, cancellationToken));
    }

    // The orchestration re-arms a timer the provider delivered before its due time: a wait with more than one
    // TimerCreated in its history was delivered early at least once (read after the measurement).
    private async Task<string> RearmedTimersAsync(string[] ids, CancellationToken cancellationToken)
    {
        int instances = 0, rearms = 0;
        foreach (var id in ids)
        {
            var timers = 0;
            await foreach (var _ in _history.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {id} and EventType eq {"TimerCreated"}"), select: ["EventType"], cancellationToken: cancellationToken))
            {
                timers++;
            }

            if (timers > 1)
            {
                instances++;
                rearms += timers - 1;
            }
        }

        return $"{instances} of {ids.Length} waits got their timer before the due time and re-armed it ({rearms} re-arms in all)";
    }

    // Where a sequential step's time goes, from the history's own event timestamps (read after the measurement).
    // An episode appends [OrchestratorStarted, the results it consumed, what it scheduled, OrchestratorCompleted].
    private async Task<string> StepTimesAsync(string instanceId, CancellationToken cancellationToken)
    {
        var scheduled = new Dictionary<int, DateTime>();
        List<double> toResult = [], toEpisode = [], toSchedule = [];
        DateTime? episode = null;
        var consumed = false;
        await foreach (var row in _history.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {instanceId}"), cancellationToken: cancellationToken))
        {
            if (row.GetDateTime("_Timestamp") is not { } at)
            {
                continue;
            }

            switch (row.GetString("EventType"))
            {
                case "OrchestratorStarted":
                    episode = at;
                    consumed = false;
                    break;
                case "TaskScheduled" when row.GetString("Name") == TaskNames.RunNode:
                    scheduled[row.GetInt32("EventId") ?? -1] = at;
                    if (consumed && episode is { } started)
                    {
                        toSchedule.Add((at - started).TotalMilliseconds);
                        consumed = false;
                    }

                    break;
                case "TaskCompleted" when scheduled.TryGetValue(row.GetInt32("TaskScheduledId") ?? -2, out var sent):
                    toResult.Add((at - sent).TotalMilliseconds);
                    if (episode is { } next)
                    {
                        toEpisode.Add((next - at).TotalMilliseconds);
                    }

                    consumed = true;
                    break;
            }
        }

        static string Ms(List<double> values) => values.Count == 0 ? "?" : string.Create(
            CultureInfo.InvariantCulture, $"{values.Order().ElementAt(values.Count / 2):F0} / {values.Average():F0} ms");
        return $"per RunWorkflowNode step (p50 / mean over {toResult.Count}, from the history's event timestamps): {Ms(toResult)} from TaskScheduled to the activity's "
            + $"TaskCompleted (the episode's commit, the work-item queue hop, the activity over gRPC), {Ms(toEpisode)} from TaskCompleted to the "
            + $"OrchestratorStarted of the episode that consumes it (the control-queue hop, the history load), {Ms(toSchedule)} from there to the next "
            + "TaskScheduled (the replay on the worker over gRPC, the decider)";
    }

    // Raises `count` events one after another, each once the sidecar acknowledged the previous one (queued).
    private async Task RaiseAsync(string id, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            await _hub.Client.RaiseEventAsync(id, "tick", i, cancellationToken);
        }
    }

    // Bounded by the token: polls until the orchestration published its first progress (custom status).
    private async Task WaitReadyAsync(string id, CancellationToken cancellationToken)
    {
        while ((await _hub.Client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken))?.SerializedCustomStatus is null)
        {
            await Task.Delay(ReadyPollInterval, cancellationToken);
        }
    }

    private async Task<OrchestrationMetadata> WaitAsync(string id, CancellationToken cancellationToken)
    {
        var meta = await _hub.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cancellationToken);
        return meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed
            ? meta
            : throw new InvalidOperationException(
                $"{id} ended {meta.RuntimeStatus}: {meta.FailureDetails?.ErrorType} {meta.FailureDetails?.ErrorMessage}");
    }

    private async Task<OrchestrationMetadata[]> WaitAllAsync(string[] ids, CancellationToken cancellationToken)
    {
        // One waiter at a time (in order), as on the standalone side.
        var result = new OrchestrationMetadata[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            result[i] = await WaitAsync(ids[i], cancellationToken);
        }

        return result;
    }

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static void ExpectOutput(OrchestrationMetadata meta, string expected, string scenario)
    {
        var output = meta.SerializedOutput is null ? "null" : JsonSerializer.Serialize(Json(meta.SerializedOutput));
        if (output != expected)
        {
            throw new InvalidOperationException($"{scenario}: output {output}, expected {expected}.");
        }
    }

    private static double Span(OrchestrationMetadata[] metas) => (metas.Max(m => m.LastUpdatedAt) - metas.Min(m => m.CreatedAt)).TotalSeconds;

    private static double Elapsed(OrchestrationMetadata meta) => (meta.LastUpdatedAt - meta.CreatedAt).TotalSeconds;
}
