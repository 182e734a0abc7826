using System.Collections.Immutable;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Decisions;

/// <summary>
/// Rerun of a Failed instance: reset its unhandled failed and cancelled nodes and the nodes after them that never
/// ran; a foreach reruns only its failed items; succeeded nodes keep their outputs. A new epoch enters every key.
/// </summary>
internal sealed partial class DecisionContext
{
    private void Rerun()
    {
        changed = true;
        epoch++;
        status = InstanceStatus.Running;
        error = null;
        output = null;
        completedAt = null;
        rerunAt = now;
        StartInstanceTimer();
        remaining = ResetScope("", plan.Root);
        RedecideScope("", plan.Root);
        Drain();
        if (status == InstanceStatus.Running && remaining == 0)
        {
            CompleteInstance();
        }
    }

    /// <summary>Resets a scope's nodes; returns how many are not final afterwards.</summary>
    private int ResetScope(string prefix, ScopePlan scope)
    {
        var reset = new HashSet<string>(StringComparer.Ordinal);
        var open = 0;
        foreach (var node in scope.TopologicalOrder)
        {
            var path = prefix + node.Id;
            var afterReset = node.Definition.RunAfter.Any(r => reset.Contains(r.NodeId));
            if (!nodes.TryGetValue(path, out var state))
            {
                reset.Add(node.Id);
                open++;
                continue;
            }

            var rerun = state.Status switch
            {
                NodeStatus.Failed => !node.FailureHandled,
                NodeStatus.Cancelled or NodeStatus.Running or NodeStatus.Pending => true,
                NodeStatus.Skipped => afterReset,
                _ => false,
            };
            if (!rerun)
            {
                continue;
            }

            reset.Add(node.Id);
            open++;
            if (!TryResumeInPlace(path, node, state))
            {
                RemoveTree(path);
            }
        }

        return open;
    }

    /// <summary>A foreach keeps its succeeded items and a loop its iterations before the failed one.</summary>
    private bool TryResumeInPlace(string path, PlanNode node, NodeState state)
    {
        if (state.Items is null && node.Definition is ForeachNode)
        {
            return false;
        }

        switch (node.Definition)
        {
            case ForeachNode:
                var rerunItems = ImmutableArray.CreateBuilder<int>();
                var done = 0;
                for (var i = 0; i < state.Next; i++)
                {
                    if (nodes.TryGetValue(NodePath.Iteration(path, i), out var item) && item.Status == NodeStatus.Succeeded)
                    {
                        done++;
                    }
                    else
                    {
                        rerunItems.Add(i);
                    }
                }

                nodes[path] = state with
                {
                    Status = NodeStatus.Running,
                    Error = null,
                    CompletedAt = null,
                    Active = 0,
                    Done = done,
                    FailedItems = 0,
                    RerunItems = rerunItems.ToImmutable(),
                };
                return true;

            case LoopNode when state.Next >= 1
                && nodes.TryGetValue(NodePath.Iteration(path, state.Next), out var current)
                && current.Status is NodeStatus.Failed or NodeStatus.Cancelled:
                nodes[path] = state with { Status = NodeStatus.Running, Error = null, CompletedAt = null, Active = 1 };
                return true;

            default:
                return false;
        }
    }

    private void RemoveTree(string path)
    {
        var nested = path + "[";
        foreach (var key in nodes.Keys.Where(k => k == path || k.StartsWith(nested, StringComparison.Ordinal)).ToList())
        {
            // A workflow node keeps the child version it resolved first, for its reruns too.
            if (nodes[key].ChildVersion is { } version)
            {
                rerunChildVersions[key] = version;
            }

            nodes.Remove(key);
        }
    }

    /// <summary>Decides the reset nodes whose predecessors are final and resumes reset foreach and loop nodes.</summary>
    private void RedecideScope(string prefix, ScopePlan scope)
    {
        foreach (var node in scope.TopologicalOrder)
        {
            var path = prefix + node.Id;
            if (!nodes.TryGetValue(path, out var state))
            {
                TryDecide(prefix, node);
            }
            else if (state.Status == NodeStatus.Running)
            {
                // Only nodes that ResetScope resumed in place are running in a Failed instance's scope.
                switch (node.Definition)
                {
                    case ForeachNode:
                        StartItems(path, node);
                        break;
                    case LoopNode:
                        RestartIteration(path, node, state.Next);
                        break;
                    default:
                        break;
                }
            }
        }
    }

    private void RestartIteration(string ownerPath, PlanNode owner, int index)
    {
        var iterationPath = NodePath.Iteration(ownerPath, index);
        if (!nodes.TryGetValue(iterationPath, out var iteration))
        {
            StartIteration(ownerPath, owner, index);
            return;
        }

        nodes[iterationPath] = iteration with { Status = NodeStatus.Running, Error = null, Output = null, CompletedAt = null };
        var prefix = iterationPath + ".";
        var open = ResetScope(prefix, owner.Body!);
        nodes[iterationPath] = nodes[iterationPath] with { Active = open };
        RedecideScope(prefix, owner.Body!);
    }
}
