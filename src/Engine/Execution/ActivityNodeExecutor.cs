using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Execution;

/// <summary>
/// Runs one attempt of an <c>activity</c> node: finds the registered activity, deserializes its input, runs it in a
/// fresh DI scope under the per-attempt timeout and serializes its output. Failures become outcomes.
/// </summary>
internal sealed class ActivityNodeExecutor
{
    private readonly ActivityRegistry _registry;
    private readonly IServiceScopeFactory _scopes;
    private readonly ActivityNodeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ActivityNodeExecutor(
        ActivityRegistry registry,
        IServiceScopeFactory scopes,
        IOptions<WorkflowExecutorOptions> options,
        TimeProvider timeProvider,
        ILogger<ActivityNodeExecutor> logger)
    {
        _registry = registry;
        _scopes = scopes;
        _options = WorkflowExecutorOptions.Validated(options).Activities;
        _time = timeProvider;
        _logger = logger;
    }

    public async Task<NodeOutcome> ExecuteAsync(NodeWork work, CancellationToken cancellationToken)
    {
        var node = work.Node as ActivityNode
            ?? throw new ArgumentException($"Node '{work.Node.Id}' is a {work.Node.GetType().Name}, not an activity node.", nameof(work));
        var outcome = await RunAsync(work, node, cancellationToken).ConfigureAwait(false);
        if (outcome is NodeOutcome.Failed failed)
        {
            Log.ActivityFailed(_logger, node.Activity, work.Command.Path, work.InstanceId, failed.Error.Type, failed.Error.Message);
        }

        return outcome;
    }

    private async Task<NodeOutcome> RunAsync(NodeWork work, ActivityNode node, CancellationToken cancellationToken)
    {
        if (!_registry.TryGet(node.Activity, out var registration))
        {
            return NodeOutcome.Failure(new WorkflowError(
                ErrorTypes.ActivityError,
                $"activity '{node.Activity}' is not registered",
                ExecutionJson.Object(w =>
                {
                    w.WriteString("activity", node.Activity);
                    w.WriteStartArray("registered");
                    foreach (var name in _registry.Names.Order(StringComparer.Ordinal))
                    {
                        w.WriteStringValue(name);
                    }

                    w.WriteEndArray();
                })));
        }

        object? input;
        try
        {
            input = registration.ReadInput(work.Command.Input);
        }
        catch (JsonException ex)
        {
            var path = ex.Path ?? "$";
            var pointer = $"{node.Pointer}/input";
            return NodeOutcome.Failure(new WorkflowError(
                ErrorTypes.ValidationError,
                $"{pointer}: the input of activity '{node.Activity}' does not fit {registration.InputType.Name} at {path}: {Trim(ex.Message)}",
                ExecutionJson.Object(w =>
                {
                    w.WriteString("path", pointer);
                    w.WriteString("jsonPath", path);
                    w.WriteString("activity", node.Activity);
                })));
        }

        var context = new ActivityContext(work.InstanceId, node.Id, work.Command.Path, work.Command.Key, AttemptOf(work.Command.Key)) { TraceParent = work.Propagation().TraceParent };
        var timeout = work.Command.Timeout ?? node.Timeout ?? _options.DefaultTimeout;
        using var timeoutSource = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var started = _time.GetTimestamp();
        Log.ActivityStarting(_logger, node.Activity, work.Command.Path, work.InstanceId, context.Attempt);

        object? output;
        var scope = _scopes.CreateAsyncScope();
        try
        {
            Task<object?> run;
            try
            {
                run = registration.RunAsync(scope.ServiceProvider, input, context, linked.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Threw(work, node, ex);
            }

            try
            {
                // WaitAsync abandons an activity that ignores its token: the attempt still ends at its deadline.
                output = await run.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                _ = run.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                return NodeOutcome.Failure(new WorkflowError(
                    ErrorTypes.Timeout,
                    $"activity '{node.Activity}' did not finish within {timeout}",
                    ExecutionJson.Object(w => w.WriteNumber("timeout", timeout.TotalSeconds))));
            }
            catch (ActivityFailedException ex)
            {
                return NodeOutcome.Failure(new WorkflowError(ex.ErrorType, ex.Message, ex.Details));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return Threw(work, node, ex);
            }
        }
        finally
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }

        byte[] bytes;
        try
        {
            bytes = registration.WriteOutput(output);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            return NodeOutcome.Failure(new WorkflowError(
                ErrorTypes.ActivityError,
                $"the output of activity '{node.Activity}' cannot be serialized to JSON: {Trim(ex.Message)}",
                ExecutionJson.Object(w => w.WriteString("activity", node.Activity))));
        }

        if (bytes.Length > _options.MaxOutputBytes)
        {
            return NodeOutcome.Failure(new WorkflowError(
                ErrorTypes.OutputTooLarge,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"the output of activity '{node.Activity}' is {bytes.Length} bytes, over the limit of {_options.MaxOutputBytes} bytes (Activities.MaxOutputBytes)"),
                ExecutionJson.Object(w =>
                {
                    w.WriteNumber("size", bytes.Length);
                    w.WriteNumber("limit", _options.MaxOutputBytes);
                })));
        }

        Log.ActivitySucceeded(_logger, node.Activity, work.Command.Path, work.InstanceId, (long)_time.GetElapsedTime(started).TotalMilliseconds);
        return NodeOutcome.Success(ExecutionJson.Parse(bytes));
    }

    private NodeOutcome Threw(NodeWork work, ActivityNode node, Exception ex)
    {
        Log.ActivityThrew(_logger, ex, node.Activity, work.Command.Path, work.InstanceId);
        return NodeOutcome.Failure(new WorkflowError(
            ErrorTypes.ActivityError,
            $"activity '{node.Activity}' threw {ex.GetType().Name}: {ex.Message}",
            ExecutionJson.Object(w =>
            {
                w.WriteString("activity", node.Activity);
                w.WriteString("exceptionType", ex.GetType().FullName);
            })));
    }

    /// <summary>The attempt number: the last segment of <c>{instanceId}:{path}:{epoch}:{attempt}</c>.</summary>
    internal static int AttemptOf(string key)
    {
        var colon = key.LastIndexOf(':');
        return colon >= 0 && int.TryParse(key.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var attempt) && attempt > 0
            ? attempt
            : 1;
    }

    /// <summary>System.Text.Json messages end in " Path: $.x | LineNumber: ..."; the path is reported on its own.</summary>
    private static string Trim(string message)
    {
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return cut >= 0 ? message[..cut] : message;
    }
}
