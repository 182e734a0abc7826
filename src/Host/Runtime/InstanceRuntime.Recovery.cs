using System.Collections.Concurrent;
using System.Collections.Immutable;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Engine;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.Host.Storage;
using Serverless.Host.Telemetry;

namespace Serverless.Host.Runtime;

/// <summary>Taking over instances: re-issuing what their rows owe.</summary>
internal sealed partial class InstanceRuntime
{
    /// <summary>
    /// Takes over a partition: every instance the host still owes something is loaded and its outbox re-issued (node
    /// work re-runs, timers are re-sent, children re-created idempotently, parents re-told); a Pending instance starts.
    /// An instance whose state a newer engine wrote is logged and left alone; the others are taken over all the same.
    /// </summary>
    public async Task<int> RecoverPartitionAsync(int partition, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var record in _store.QueryActiveAsync(partition, (id, ex) => Log.InstanceRefused(_logger, id, ex), cancellationToken))
        {
            count++;
            await RecoverAsync(record, cancellationToken);
        }

        return count;
    }

    /// <summary>Re-reads one instance and re-issues its stored outbox (after a failed save threw away unsaved progress).</summary>
    private async Task RecoverInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            if (await _store.GetAsync(instanceId, cancellationToken) is { } record)
            {
                await RecoverAsync(record, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is RequestFailedException or InvalidOperationException)
        {
            Log.DispatchFailed(_logger, "recover", instanceId, ex);
        }
    }

    private async Task RecoverAsync(InstanceRecord record, CancellationToken cancellationToken)
    {
        var actor = GetActor(record.State.InstanceId);
        lock (actor.Gate)
        {
            if (actor.Current is not null || actor.Saving)
            {
                return;
            }

            actor.Current = record;
            actor.ETag = record.ETag;
            actor.StateBlob = record.StateBlob;
            actor.Version = actor.SavedVersion = 0;
        }

        var resolved = await _registry.ResolveAsync(record.State.Workflow, record.State.Version, cancellationToken);
        if (resolved is null)
        {
            return;
        }

        if (record.State.Status == InstanceStatus.Pending)
        {
            Post(record.State.InstanceId, new InboxItem { Event = new InstanceStarted("start") });
            return;
        }

        var commands = new List<WorkflowCommand>(record.Outbox.Values);
        commands.AddRange(record.State.Timers.Select(t => (WorkflowCommand)new StartTimer(t.Key, t.Value.DueAt)));
        Dispatch(actor, record, resolved, commands, runNodes: true);
        Dispatch(actor, record, resolved, commands, runNodes: false);
        if (!record.IsActive)
        {
            Retire(actor);
        }
    }
}
