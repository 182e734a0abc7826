using Microsoft.DurableTask.Client;
using Serverless.Engine.Decisions;
using Serverless.Engine.Replay;
using Serverless.Engine.Telemetry;

namespace Serverless.DurableTask;

/// <summary>
/// The end of a run Durable terminated: the orchestration is terminated from outside and never runs again, so whoever
/// asked for the terminate (the API, a parent terminating a child) records the run's end, read off the instance's
/// input, through <c>DecisionTelemetry.RunEnded</c>.
/// </summary>
internal static class TerminatedRuns
{
    /// <summary>
    /// Records the end of <paramref name="instance"/>'s run (read with its input, before the terminate, not final then)
    /// at <paramref name="endedAt"/>: its trace, epoch and start come from the input, or from the decider state a
    /// ContinueAsNew or a rerun carries in it; the version of a child started without one from its latest checkpoint.
    /// </summary>
    public static async Task ObserveAsync(
        OrchestrationMetadata instance, DateTimeOffset endedAt, ICheckpointStore checkpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(checkpoints);
        if (StartRequests.ReadInput(instance.SerializedInput) is not { } input)
        {
            return;
        }

        // A Pending execution has not run: its run did not start (unless an earlier execution started it).
        var pending = instance.RuntimeStatus == OrchestrationRuntimeStatus.Pending;
        if (input.Continuation is { } continuation)
        {
            var state = continuation.ReadState();

            // A rerun's execution starts from the failed state; the rerun it applies first begins the next epoch.
            var epoch = continuation.Rerun ? state.Epoch + 1 : state.Epoch;
            var startedAt = continuation.Rerun ? (pending ? null : instance.CreatedAt) : state.RerunAt ?? state.StartedAt;
            DecisionTelemetry.RunEnded(
                state.Workflow, state.Version, instance.InstanceId, epoch, state.Trace ?? input.Trace, state.CreatedAt, startedAt, endedAt, InstanceStatus.Terminated, null, state.Input);
            return;
        }

        var version = input.Version
            ?? (await checkpoints.LoadAsync(instance.InstanceId, cancellationToken))?.ReadState().Version
            ?? 0;
        DecisionTelemetry.RunEnded(
            input.Workflow, version, instance.InstanceId, 0, input.Trace, instance.CreatedAt, pending ? null : instance.CreatedAt, endedAt, InstanceStatus.Terminated, null, input.Input);
    }
}
