using System.Collections.Immutable;
using Serverless.Engine.Decisions;
using Serverless.Standalone.Storage;

namespace Serverless.Standalone.Runtime;

/// <summary>The outbox: commands that must survive a crash, kept in the state row until carried out.</summary>
internal sealed partial class InstanceRuntime
{
    /// <summary>
    /// The outbox after a decision: new RunNode/StartChild/TerminateChild commands join it; RunNode and StartChild leave
    /// it once their node is no longer running (its result was applied, it backs off, it was cancelled or the instance
    /// ended); StartChild and TerminateChild also leave once carried out.
    /// </summary>
    internal static ImmutableSortedDictionary<string, WorkflowCommand> NextOutbox(
        ImmutableSortedDictionary<string, WorkflowCommand> outbox, IReadOnlyList<WorkflowCommand> commands, InstanceState state, IReadOnlySet<string> dispatched)
    {
        var builder = outbox.ToBuilder();
        foreach (var command in commands)
        {
            if (OutboxKeys.Of(command) is { } key)
            {
                builder[key] = command;
            }
        }

        var final = state.Status.IsFinal;
        foreach (var (key, command) in builder.ToList())
        {
            var keep = command switch
            {
                RunNode run => !final && NodeRunning(state, run.Path),
                StartChild start => !final && NodeRunning(state, start.Path) && !dispatched.Contains(key),
                TerminateChild => !dispatched.Contains(key),
                _ => false,
            };
            if (!keep)
            {
                builder.Remove(key);
            }
        }

        var result = builder.ToImmutable();
        return result.Count == outbox.Count && result.All(p => outbox.TryGetValue(p.Key, out var c) && ReferenceEquals(c, p.Value)) ? outbox : result;
    }

    private static bool NodeRunning(InstanceState state, string path)
        => state.Nodes.TryGetValue(path, out var node) && node.Status == NodeStatus.Running && !node.Backoff;
}
