using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Serverless.Engine.Definitions;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Decisions;

/// <summary>Running nodes of each type, and the events that finish them.</summary>
internal sealed partial class DecisionContext
{
    /// <summary>Failed attempts a node's <see cref="NodeState.AttemptLog"/> keeps; older ones are only counted.</summary>
    internal const int AttemptLogLimit = 20;

    private void Run(string prefix, string path, PlanNode node, NodeState state)
    {
        switch (node.Definition)
        {
            case SetNode set:
                if (TryEvaluate(set.Value, path, node, state, "value", out var value))
                {
                    Succeed(path, state, node, value);
                }

                break;

            case SwitchNode @switch:
                RunSwitch(prefix, path, node, state, @switch);
                break;

            case FailNode fail:
                var message = $"Node '{path}' failed.";
                if (fail.Message is { } template)
                {
                    if (!TryEvaluate(template, path, node, state, "message", out var evaluated))
                    {
                        break;
                    }

                    message = evaluated.ValueKind == JsonValueKind.String ? evaluated.GetString()! : evaluated.GetRawText();
                }

                FailNode(path, state, new WorkflowError(fail.ErrorType, message));
                break;

            case HttpNode or ActivityNode or WorkflowNode:
                if (!node.Retry.IsEmpty)
                {
                    state = state with { Retries = ImmutableArray.Create(new int[node.Retry.Length]) };
                }

                if (rerunChildVersions.TryGetValue(path, out var childVersion))
                {
                    state = state with { ChildVersion = childVersion };
                }

                StartAttempt(path, node, state);
                break;

            case WaitNode wait:
                RunWait(path, node, state, wait);
                break;

            case EventNode @event:
                RunEvent(path, node, state, @event);
                break;

            case ForeachNode each:
                RunForeach(path, node, state, each);
                break;

            case LoopNode:
                nodes[path] = state with { Next = 1, Active = 1 };
                StartIteration(path, node, 1);
                break;

            default:
                throw new InvalidOperationException($"Unknown node type {node.Definition.GetType().Name}.");
        }
    }

    private void RunSwitch(string prefix, string path, PlanNode node, NodeState state, SwitchNode @switch)
    {
        var scope = ScopeOf(prefix, node, null);
        foreach (var @case in @switch.Cases)
        {
            bool matched;
            try
            {
                matched = @case.Condition.EvaluateCondition(scope);
            }
            catch (Expressions.ExpressionException ex)
            {
                FailNode(path, state, ExpressionFailure($"case '{@case.Name}' of switch '{path}'", ex));
                return;
            }

            if (matched)
            {
                Succeed(path, state, node, JsonValues.String(@case.Name), @case.Name);
                return;
            }
        }

        if (@switch.Default is { } fallback)
        {
            Succeed(path, state, node, JsonValues.String(fallback), fallback);
            return;
        }

        FailNode(path, state, new WorkflowError(ErrorTypes.NoMatchingCase, $"No case of switch '{path}' matched and it has no default."));
    }

    private void RunWait(string path, PlanNode node, NodeState state, WaitNode wait)
    {
        DateTimeOffset due;
        if (wait.Duration is { } duration)
        {
            due = now + duration;
        }
        else
        {
            if (!TryEvaluate(wait.Until!, path, node, state, "until", out var until))
            {
                return;
            }

            if (until.ValueKind != JsonValueKind.String
                || !DateTimeOffset.TryParse(until.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out due)
                || !HasOffset(until.GetString()!))
            {
                FailNode(path, state, new WorkflowError(ErrorTypes.ExpressionError,
                    $"The 'until' of wait '{path}' gave {Truncate(until.GetRawText())}; it must be an ISO 8601 timestamp with a UTC offset, e.g. \"2026-01-31T12:00:00Z\"."));
                return;
            }
        }

        if (due <= now)
        {
            Succeed(path, state, node, JsonValues.Null);
            return;
        }

        nodes[path] = state with { TimerId = NewTimer(due, path, TimerPurpose.Wait) };
    }

    /// <summary>True when the timestamp names its offset (Z or ±hh:mm); without one it would be read in the host's local zone.</summary>
    private static bool HasOffset(string timestamp)
        => DateTime.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
           && parsed.Kind != DateTimeKind.Unspecified;

    private static string Truncate(string text) => text.Length <= 100 ? text : text[..100] + "...";

    private void RunEvent(string path, PlanNode node, NodeState state, EventNode @event)
    {
        var name = @event.EventName.ToLowerInvariant();
        var hasWaiters = waiters.TryGetValue(name, out var queue) && !queue.IsEmpty;
        if (!hasWaiters && eventQueues.TryGetValue(name, out var pending) && !pending.IsEmpty)
        {
            var next = pending.Peek();
            SetEventQueue(name, pending.Dequeue());
            Succeed(path, state, node, next.Payload);
            return;
        }

        waiters = waiters.SetItem(name, (queue ?? ImmutableQueue<string>.Empty).Enqueue(path));
        commands.Add(new WaitForEvent(@event.EventName));
        if (@event.Timeout is { } timeout)
        {
            state = state with { TimerId = NewTimer(now + timeout, path, TimerPurpose.EventTimeout) };
        }

        nodes[path] = state;
    }

    private void SetEventQueue(string name, ImmutableQueue<RaisedEvent> queue)
        => eventQueues = queue.IsEmpty ? eventQueues.Remove(name) : eventQueues.SetItem(name, queue);

    private void RemoveWaiter(string name, string path)
    {
        if (!waiters.TryGetValue(name, out var queue))
        {
            return;
        }

        var rest = ImmutableQueue.CreateRange(queue.Where(p => p != path));
        waiters = rest.IsEmpty ? waiters.Remove(name) : waiters.SetItem(name, rest);
    }

    private void Raise(EventRaised raised)
    {
        if (seenEvents.Contains(raised.Id))
        {
            return;
        }

        var name = raised.Name.ToLowerInvariant();
        var waiting = status == InstanceStatus.Running && waiters.TryGetValue(name, out var found) && !found.IsEmpty ? found : null;

        // The bound is on queued events: one a node is waiting for is never refused. Hosts refuse raises at the bound
        // (Decider.CanAcceptEvent) before acknowledging them; the decider keeps up to twice the bound, so raises that
        // passed a host's check concurrently (another process, a stale read) are not lost, and memory stays bounded.
        if (waiting is null && Decider.QueuedEventCount(eventQueues) >= Decider.HardQueuedEventLimit(plan))
        {
            return;
        }

        changed = true;
        seenEvents = seenEvents.Add(raised.Id);
        if (waiting is { } queue)
        {
            var path = queue.Peek();
            queue = queue.Dequeue();
            waiters = queue.IsEmpty ? waiters.Remove(name) : waiters.SetItem(name, queue);
            var state = nodes[path];
            CancelTimerOf(state);
            Succeed(path, state, plan.Nodes[NodePath.NodeId(path)], raised.Payload.Clone());
            return;
        }

        var pending = eventQueues.TryGetValue(name, out var existing) ? existing : ImmutableQueue<RaisedEvent>.Empty;
        eventQueues = eventQueues.SetItem(name, pending.Enqueue(new RaisedEvent(raised.Id, raised.Payload.Clone())));
    }


    private void RunForeach(string path, PlanNode node, NodeState state, ForeachNode each)
    {
        if (!TryEvaluate(each.Items, path, node, state, "items", out var items))
        {
            return;
        }

        if (items.ValueKind != JsonValueKind.Array)
        {
            FailNode(path, state, new WorkflowError(ErrorTypes.ExpressionError,
                $"The 'items' of foreach '{path}' gave a {items.ValueKind.ToString().ToLowerInvariant()}; it must give an array."));
            return;
        }

        var count = items.GetArrayLength();
        if (count > plan.Options.MaxForeachItems)
        {
            FailNode(path, state, new WorkflowError(ErrorTypes.ValidationError, string.Create(CultureInfo.InvariantCulture,
                $"The 'items' of foreach '{path}' gave {count} items; the limit is {plan.Options.MaxForeachItems}.")));
            return;
        }

        if (count == 0)
        {
            Succeed(path, state, node, JsonValues.EmptyArray);
            return;
        }

        nodes[path] = state with { Items = items };
        StartItems(path, node);
    }

    // ---- attempts, retries and their events ------------------------------------------------------------------------

    private void StartAttempt(string path, PlanNode node, NodeState state)
    {
        var attempt = state.Attempt + 1;
        state = state with
        {
            Attempt = attempt,
            Epoch = epoch,
            AttemptStartedAt = attempt > 1 ? now : null,
            Backoff = false,
            TimerId = null,
            Status = NodeStatus.Running,
        };
        var input = JsonValues.Null;
        var template = node.Definition switch
        {
            HttpNode h => h.Request,
            ActivityNode a => a.Input,
            WorkflowNode w => w.Input,
            _ => null,
        };
        var secrets = node.Definition is HttpNode ? new List<SecretReference>() : null;
        if (template is not null && !TryEvaluate(template, path, node, state, node.Definition is HttpNode ? "request" : "input", out input, secrets))
        {
            return;
        }

        var key = NodePath.Key(InstanceId, path, epoch, attempt);
        if (node.Definition is WorkflowNode child)
        {
            commands.Add(new StartChild(key, child.Workflow, state.ChildVersion ?? child.Version, input, path));
        }
        else
        {
            commands.Add(new RunNode(key, path, node.Id, input, node.Timeout) { Secrets = secrets is { Count: > 0 } ? secrets : null });
            if (node.Timeout is { } timeout)
            {
                state = state with { TimerId = NewTimer(now + timeout, path, TimerPurpose.AttemptTimeout) };
            }
        }

        nodes[path] = state;
    }

    /// <summary>Finds the node a key names, if that attempt is still the outstanding one.</summary>
    private bool TryOutstanding(string key, bool child, out string path, out NodeState state, out PlanNode node)
    {
        state = null!;
        node = null!;
        if (!NodePath.TryParseKey(InstanceId, key, out path, out var keyEpoch, out var attempt)
            || keyEpoch != epoch
            || !nodes.TryGetValue(path, out var found)
            || found.Status != NodeStatus.Running
            || found.Backoff
            || found.Attempt != attempt
            || !plan.Nodes.TryGetValue(found.NodeId, out var planNode)
            || !(child ? planNode.Definition is WorkflowNode : planNode.Definition is HttpNode or ActivityNode))
        {
            return false;
        }

        state = found;
        node = planNode;
        changed = true;
        return true;
    }

    private void OnNodeSucceeded(NodeSucceeded e)
    {
        if (TryOutstanding(e.Key, child: false, out var path, out var state, out var node))
        {
            CancelTimerOf(state);
            Succeed(path, state with { TimerId = null }, node, e.Output.Clone());
        }
    }

    private void OnNodeFailed(NodeFailed e)
    {
        if (TryOutstanding(e.Key, child: false, out var path, out var state, out var node))
        {
            CancelTimerOf(state);
            HandleFailure(path, state with { TimerId = null }, node, e.Error, e.RetryAfter);
        }
    }

    private void OnChildCompleted(ChildCompleted e)
    {
        if (TryOutstanding(e.ChildInstanceId, child: true, out var path, out var state, out var node))
        {
            Succeed(path, state with { ChildVersion = e.Version }, node, e.Output.Clone());
        }
    }

    private void OnChildFailed(ChildFailed e)
    {
        if (TryOutstanding(e.ChildInstanceId, child: true, out var path, out var state, out var node))
        {
            HandleFailure(path, state with { ChildVersion = e.Version ?? state.ChildVersion }, node, e.Error, null);
        }
    }

    /// <summary>Retries on a durable timer when a retrier matches and allows it; otherwise fails the node.</summary>
    private void HandleFailure(string path, NodeState state, PlanNode node, WorkflowError failure, TimeSpan? retryAfter)
    {
        var index = Retry.FindRetrier(node.Retry, failure);
        if (index >= 0)
        {
            var policy = node.Retry[index];
            var used = state.Retries.IsDefaultOrEmpty ? 0 : state.Retries[index];
            if (used + 1 < policy.MaxAttempts)
            {
                var delay = Retry.Delay(policy, used + 1, NodePath.Key(InstanceId, path, epoch, state.Attempt));
                if (retryAfter is { } hint)
                {
                    if (hint > policy.MaxInterval)
                    {
                        FailNode(path, state, WithRetryAfter(failure, hint));
                        return;
                    }

                    delay = hint > delay ? hint : delay;
                }

                var retries = state.Retries.IsDefaultOrEmpty ? ImmutableArray.Create(new int[node.Retry.Length]) : state.Retries;
                nodes[path] = LogFailedAttempt(state, failure) with
                {
                    Retries = retries.SetItem(index, used + 1),
                    Backoff = true,
                    Error = failure,
                    TimerId = NewTimer(now + delay, path, TimerPurpose.Retry),
                };
                return;
            }
        }

        FailNode(path, state, failure);
    }

    /// <summary>Records the failed attempt a retry follows, keeping the last <see cref="AttemptLogLimit"/>.</summary>
    private NodeState LogFailedAttempt(NodeState state, WorkflowError failure)
    {
        var log = state.AttemptLog.IsDefault ? ImmutableArray<NodeAttempt>.Empty : state.AttemptLog;
        var dropped = state.AttemptLogDropped;
        if (log.Length >= AttemptLogLimit)
        {
            dropped += log.Length - AttemptLogLimit + 1;
            log = log.RemoveRange(0, log.Length - AttemptLogLimit + 1);
        }

        var attempt = new NodeAttempt(state.Attempt, state.CurrentAttemptStartedAt ?? now, now, failure.Type);
        return state with { AttemptLog = log.Add(attempt), AttemptLogDropped = dropped };
    }

    private static WorkflowError WithRetryAfter(WorkflowError failure, TimeSpan hint)
    {
        var properties = new List<KeyValuePair<string, JsonElement?>>();
        if (failure.Details is { ValueKind: JsonValueKind.Object } details)
        {
            properties.AddRange(details.EnumerateObject().Where(p => p.Name != "retryAfter").Select(p => KeyValuePair.Create(p.Name, (JsonElement?)p.Value)));
        }

        properties.Add(KeyValuePair.Create("retryAfter", (JsonElement?)JsonValues.Parse(((long)Math.Ceiling(hint.TotalSeconds)).ToString(CultureInfo.InvariantCulture))));
        return failure with
        {
            Message = $"{failure.Message} (Retry-After of {hint} is beyond the retrier's maxInterval, so the node is not retried)",
            Details = JsonValues.Object(properties),
        };
    }

    private void OnTimerFired(TimerFired e)
    {
        if (!timers.TryGetValue(e.TimerId, out var timer))
        {
            return;
        }

        changed = true;
        timers.Remove(e.TimerId);
        if (timer.Purpose == TimerPurpose.InstanceTimeout)
        {
            var timeout = plan.Definition.Timeout ?? TimeSpan.Zero;
            FailInstance(new WorkflowError(ErrorTypes.Timeout, $"The instance ran past its timeout of {System.Xml.XmlConvert.ToString(timeout)}."));
            return;
        }

        if (!nodes.TryGetValue(timer.Path, out var state) || state.Status != NodeStatus.Running || state.TimerId != e.TimerId)
        {
            return;
        }

        var node = plan.Nodes[state.NodeId];
        state = state with { TimerId = null };
        switch (timer.Purpose)
        {
            case TimerPurpose.Retry:
                StartAttempt(timer.Path, node, state);
                break;
            case TimerPurpose.Wait:
                Succeed(timer.Path, state, node, JsonValues.Null);
                break;
            case TimerPurpose.EventTimeout:
                var @event = (EventNode)node.Definition;
                RemoveWaiter(@event.EventName.ToLowerInvariant(), timer.Path);
                FailNode(timer.Path, state, new WorkflowError(ErrorTypes.Timeout,
                    $"No event '{@event.EventName}' arrived for node '{timer.Path}' within {System.Xml.XmlConvert.ToString(@event.Timeout ?? TimeSpan.Zero)}."));
                break;
            case TimerPurpose.AttemptTimeout:
                HandleFailure(timer.Path, state, node, new WorkflowError(ErrorTypes.Timeout, string.Create(CultureInfo.InvariantCulture,
                    $"Attempt {state.Attempt} of node '{timer.Path}' did not finish within {System.Xml.XmlConvert.ToString(node.Timeout ?? TimeSpan.Zero)}; it is abandoned.")), null);
                break;
            default:
                break;
        }
    }
}
