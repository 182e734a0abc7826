using Serverless.Engine.Decisions;
using Serverless.Standalone.Storage;

namespace Serverless.Standalone.Runtime;

/// <summary>Taking over instances: re-issuing what their rows owe.</summary>
internal sealed partial class InstanceRuntime
{
    /// <summary>
    /// Takes over a partition: every instance the host still owes something is loaded and its outbox re-issued (node
    /// work re-runs, timers are re-armed, children re-created idempotently, parents re-told); a Pending instance starts.
    /// An instance whose state a newer engine wrote is logged and left alone; the others are taken over all the same.
    /// Instances in <paramref name="recovered"/> are skipped and each one taken over is added, so a pass that storage
    /// interrupted can be run again without re-running the work of those it already took over.
    /// </summary>
    public async Task<int> RecoverPartitionAsync(int partition, ISet<string> recovered, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var record in _store.QueryActiveAsync(partition, (id, ex) => Log.InstanceRefused(_logger, id, ex), cancellationToken))
        {
            if (recovered.Contains(record.State.InstanceId))
            {
                continue;
            }

            await RecoverAsync(record, cancellationToken);
            recovered.Add(record.State.InstanceId);
            count++;
        }

        return count;
    }

    private async Task RecoverAsync(InstanceRecord record, CancellationToken cancellationToken)
    {
        var actor = GetActor(record.State.InstanceId);
        // An actor that already holds the instance (an event arrived since the partition was taken) keeps its record;
        // what the stored state owes is still re-issued below, since nothing in this process armed it.
        actor.TakeOver(record);
        var resolved = await _registry.ResolveAsync(record.State.Workflow, record.State.Version, cancellationToken);
        if (resolved is null)
        {
            Log.NotReissued(_logger, record.State.InstanceId, record.State.Workflow, record.State.Version);
            return;
        }

        Reissue(actor, record, resolved);
        if (!record.IsActive)
        {
            Retire(actor);
        }
    }

    /// <summary>
    /// Carries out what a saved state owes: a Pending instance starts; otherwise its outbox (node work, children to
    /// create or terminate), every outstanding timer, and the report to its parent once final.
    /// </summary>
    private void Reissue(InstanceActor actor, InstanceRecord record, WorkflowPlan plan)
    {
        if (record.State.Status == InstanceStatus.Pending)
        {
            Post(record.State.InstanceId, new InboxItem { Event = new InstanceStarted(EventIds.Start) });
            return;
        }

        var commands = new List<WorkflowCommand>(record.Outbox.Values);
        commands.AddRange(record.State.Timers.Select(t => (WorkflowCommand)new StartTimer(t.Key, t.Value.DueAt)));
        Dispatch(actor, record, plan, commands, runNodes: true);
        Dispatch(actor, record, plan, commands, runNodes: false);
    }
}
