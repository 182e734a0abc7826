using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Serverless.Engine.Definitions;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Decisions;

/// <summary>Body iterations of foreach and loop nodes, scope endings, and what expressions see.</summary>
internal sealed partial class DecisionContext
{
    private int MaxConcurrency(ForeachNode each) => each.MaxConcurrency == 0 ? plan.Options.HostMaxConcurrency : each.MaxConcurrency;

    /// <summary>Starts items (reruns first) while the foreach has room under its concurrency limit.</summary>
    private void StartItems(string path, PlanNode node)
    {
        var each = (ForeachNode)node.Definition;
        var limit = MaxConcurrency(each);
        var state = nodes[path];
        var count = state.Items!.Value.GetArrayLength();
        while (state.Active < limit)
        {
            if (!state.RerunItems.IsDefaultOrEmpty)
            {
                var index = state.RerunItems[0];
                state = state with { RerunItems = state.RerunItems.RemoveAt(0), Active = state.Active + 1 };
                nodes[path] = state;
                RestartIteration(path, node, index);
            }
            else if (state.Next < count)
            {
                var index = state.Next;
                state = state with { Next = index + 1, Active = state.Active + 1 };
                nodes[path] = state;
                StartIteration(path, node, index);
            }
            else
            {
                break;
            }

            state = nodes[path];
            if (state.Status != NodeStatus.Running)
            {
                break;
            }
        }
    }

    private void StartIteration(string ownerPath, PlanNode owner, int index)
    {
        var body = owner.Body!;
        var iterationPath = NodePath.Iteration(ownerPath, index);
        nodes[iterationPath] = new NodeState { NodeId = owner.Id, Status = NodeStatus.Running, StartedAt = now, Active = body.Nodes.Length };
        var prefix = iterationPath + ".";
        foreach (var root in body.Roots)
        {
            TryDecide(prefix, root);
        }
    }

    /// <summary>Ends a body iteration: with <paramref name="failure"/> it cancels what is outstanding in it.</summary>
    private void EndIteration(string iterationPath, WorkflowError? failure)
    {
        var (ownerPath, index) = NodePath.ParseIteration(iterationPath);
        var owner = plan.Nodes[NodePath.NodeId(ownerPath)];
        var prefix = iterationPath + ".";
        var iteration = nodes[iterationPath];
        if (failure is null)
        {
            try
            {
                var value = owner.Body!.Output is { } template
                    ? template.Evaluate(ScopeOfAll(prefix, owner.Body, null))
                    : DefaultOutput(prefix, owner.Body);
                nodes[iterationPath] = iteration with { Status = NodeStatus.Succeeded, Output = value, CompletedAt = now };
            }
            catch (ExpressionException ex)
            {
                failure = ExpressionFailure($"the body output of '{iterationPath}'", ex);
            }
        }

        if (failure is not null)
        {
            CancelScope(prefix, owner.Body!, terminateChildren: true);
            nodes[iterationPath] = iteration with { Status = NodeStatus.Failed, Error = failure, CompletedAt = now };
        }

        if (owner.Definition is ForeachNode)
        {
            ItemEnded(ownerPath, owner, failure is not null);
        }
        else
        {
            LoopIterationEnded(ownerPath, owner, index, iterationPath);
        }
    }

    private void ItemEnded(string path, PlanNode node, bool failed)
    {
        var state = nodes[path];
        if (state.Status != NodeStatus.Running)
        {
            return;
        }

        state = state with { Active = state.Active - 1, Done = state.Done + 1, FailedItems = state.FailedItems + (failed ? 1 : 0) };
        nodes[path] = state;
        var items = state.Items!.Value.GetArrayLength();
        var each = (ForeachNode)node.Definition;
        if (state.FailedItems > each.ToleratedFailures.For(items))
        {
            CancelRunningIterations(path, node, state, terminateChildren: true);
            var failures = new List<JsonElement?>();
            for (var i = 0; i < state.Next; i++)
            {
                if (nodes.TryGetValue(NodePath.Iteration(path, i), out var item) && item.Status == NodeStatus.Failed)
                {
                    failures.Add(JsonValues.Write(w =>
                    {
                        w.WriteStartObject();
                        w.WriteNumber("index", i);
                        w.WritePropertyName("error");
                        JsonSerializer.Serialize(w, item.Error!, EngineJsonContext.Default.WorkflowError);
                        w.WriteEndObject();
                    }));
                }
            }

            FailNode(path, nodes[path], new WorkflowError(ErrorTypes.ItemsFailed, string.Create(CultureInfo.InvariantCulture,
                $"{state.FailedItems} of the {items} items of foreach '{path}' failed; it tolerates {each.ToleratedFailures.For(items)}."),
                JsonValues.Array(failures)));
            return;
        }

        if (state.Done == items)
        {
            var outputs = new JsonElement?[items];
            for (var i = 0; i < items; i++)
            {
                var item = nodes[NodePath.Iteration(path, i)];
                outputs[i] = item.Status == NodeStatus.Succeeded ? item.Output : null;
            }

            Succeed(path, state, node, JsonValues.Array(outputs));
            return;
        }

        StartItems(path, node);
    }

    private void LoopIterationEnded(string path, PlanNode node, int iterationNumber, string iterationPath)
    {
        var state = nodes[path];
        if (state.Status != NodeStatus.Running)
        {
            return;
        }

        state = state with { Active = 0 };
        nodes[path] = state;
        var iteration = nodes[iterationPath];
        if (iteration.Status == NodeStatus.Failed)
        {
            FailNode(path, state, iteration.Error!);
            return;
        }

        var loop = (LoopNode)node.Definition;
        bool done;
        try
        {
            done = loop.Until.EvaluateCondition(ScopeOfAll(iterationPath + ".", node.Body!, iteration.Output));
        }
        catch (ExpressionException ex)
        {
            FailNode(path, state, ExpressionFailure($"the 'until' of loop '{path}'", ex));
            return;
        }

        if (done)
        {
            Succeed(path, state, node, iteration.Output ?? JsonValues.Null);
        }
        else if (iterationNumber >= loop.MaxIterations)
        {
            FailNode(path, state, new WorkflowError(ErrorTypes.LoopLimitExceeded, string.Create(CultureInfo.InvariantCulture,
                $"Loop '{path}' ran {loop.MaxIterations} iterations without 'until' becoming true.")));
        }
        else
        {
            nodes[path] = state with { Next = iterationNumber + 1, Active = 1 };
            StartIteration(path, node, iterationNumber + 1);
        }
    }

    /// <summary>Marks every unfinished node of a scope cancelled, releasing its timers, waits and children.</summary>
    private void CancelScope(string prefix, ScopePlan scope, bool terminateChildren)
    {
        foreach (var node in scope.Nodes)
        {
            var path = prefix + node.Id;
            if (!nodes.TryGetValue(path, out var state))
            {
                nodes[path] = new NodeState { NodeId = node.Id, Status = NodeStatus.Cancelled, CompletedAt = now };
            }
            else if (state.Status == NodeStatus.Running)
            {
                CancelNode(path, node, state, terminateChildren);
            }
        }
    }

    private void CancelNode(string path, PlanNode node, NodeState state, bool terminateChildren)
    {
        CancelTimerOf(state);
        switch (node.Definition)
        {
            case EventNode @event:
                RemoveWaiter(@event.EventName.ToLowerInvariant(), path);
                break;
            case WorkflowNode when terminateChildren && !state.Backoff:
                commands.Add(new TerminateChild(NodePath.Key(InstanceId, path, epoch, state.Attempt), $"Node '{path}' of instance '{InstanceId}' was cancelled."));
                break;
            case ForeachNode or LoopNode:
                CancelRunningIterations(path, node, state, terminateChildren);
                break;
            default:
                break;
        }

        nodes[path] = nodes[path] with { Status = NodeStatus.Cancelled, CompletedAt = now, Backoff = false, TimerId = null };
    }

    private void CancelRunningIterations(string path, PlanNode node, NodeState state, bool terminateChildren)
    {
        var first = node.Definition is LoopNode ? Math.Max(state.Next, 1) : 0;
        var last = node.Definition is LoopNode ? state.Next : state.Next - 1;
        for (var i = first; i <= last; i++)
        {
            var iterationPath = NodePath.Iteration(path, i);
            if (nodes.TryGetValue(iterationPath, out var iteration) && iteration.Status == NodeStatus.Running)
            {
                CancelScope(iterationPath + ".", node.Body!, terminateChildren);
                nodes[iterationPath] = iteration with { Status = NodeStatus.Cancelled, CompletedAt = now };
            }
        }
    }

    // ---- what expressions see --------------------------------------------------------------------------------------

    private InstanceInfo Instance => instanceInfo ??= new InstanceInfo(InstanceId, original.Workflow, original.Version, startedAt ?? original.CreatedAt);

    /// <summary>The scope of a node's expressions: its visible nodes and the innermost body's variables.</summary>
    private ExpressionScope ScopeOf(string prefix, PlanNode node, JsonElement? nodeOutput)
        => BuildScope(prefix, new VisibleNodes(this, prefix, node.Visible, node.VisibleSet), nodeOutput);

    /// <summary>The scope of a document or body output and of <c>until</c>: every node of that scope.</summary>
    private ExpressionScope ScopeOfAll(string prefix, ScopePlan scope, JsonElement? scopeOutput)
        => BuildScope(prefix, new VisibleNodes(this, prefix, scope.Visible, scope.VisibleSet), scopeOutput);

    private NodeView View(string path)
        => nodes.TryGetValue(path, out var state)
            ? new NodeView(StatusNames[(int)state.Status], state.Output, state.Error)
            : new NodeView(StatusNames[(int)NodeStatus.Pending], null, null);

    private ExpressionScope BuildScope(string prefix, VisibleNodes visible, JsonElement? scopeOutput)
    {
        // Body variables are those of the innermost iteration: item/index in a foreach, iteration/previous in a loop.
        JsonElement? item = null, previous = null;
        int? index = null, iteration = null;
        if (prefix.Length > 0)
        {
            var (ownerPath, number) = NodePath.ParseIteration(prefix[..^1]);
            var owner = nodes[ownerPath];
            if (plan.Nodes[owner.NodeId].Definition is ForeachNode)
            {
                (item, index) = (owner.Items!.Value[number], number);
            }
            else
            {
                iteration = number;
                previous = number > 1 && nodes.TryGetValue(NodePath.Iteration(ownerPath, number - 1), out var before) ? before.Output : null;
                previous ??= JsonValues.Null;
            }
        }

        return new ExpressionScope
        {
            Input = original.Input,
            Instance = Instance,
            Now = now,
            Nodes = visible,
            Output = scopeOutput,
            Item = item,
            Index = index,
            Iteration = iteration,
            Previous = previous,
        };
    }

    /// <summary>The prefix of the enclosing iteration at <paramref name="scope"/>'s depth within <paramref name="prefix"/>.</summary>
    private static string PrefixFor(ScopePlan scope, string prefix)
    {
        if (scope.Depth == 0)
        {
            return "";
        }

        var dots = 0;
        for (var i = 0; i < prefix.Length; i++)
        {
            if (prefix[i] == '.' && ++dots == scope.Depth)
            {
                return prefix[..(i + 1)];
            }
        }

        return prefix;
    }

    /// <summary>The default output of a scope: the outputs of its succeeded sinks, by id.</summary>
    private JsonElement DefaultOutput(string prefix, ScopePlan scope)
    {
        var properties = new List<KeyValuePair<string, JsonElement?>>();
        foreach (var sink in scope.Sinks)
        {
            if (nodes.TryGetValue(prefix + sink.Id, out var state) && state.Status == NodeStatus.Succeeded)
            {
                properties.Add(KeyValuePair.Create(sink.Id, state.Output));
            }
        }

        return properties.Count == 0 ? JsonValues.EmptyObject : JsonValues.Object(properties);
    }

    /// <summary>The nodes an expression may read, looked up only when the expression reads them.</summary>
    private sealed class VisibleNodes(DecisionContext context, string prefix, ImmutableArray<string> ids, FrozenSet<string> set)
        : IReadOnlyDictionary<string, NodeView>
    {
        public int Count => ids.Length;

        public IEnumerable<string> Keys => ids;

        public IEnumerable<NodeView> Values => ids.Select(id => this[id]);

        public NodeView this[string key] => TryGetValue(key, out var view) ? view : throw new KeyNotFoundException($"Node '{key}' is not visible here.");

        public bool ContainsKey(string key) => set.Contains(key);

        public bool TryGetValue(string key, out NodeView value)
        {
            if (!set.Contains(key))
            {
                value = default;
                return false;
            }

            value = context.View(PrefixFor(context.plan.Nodes[key].Scope, prefix) + key);
            return true;
        }

        public IEnumerator<KeyValuePair<string, NodeView>> GetEnumerator()
            => ids.Select(id => KeyValuePair.Create(id, this[id])).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
