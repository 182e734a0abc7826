using Microsoft.Extensions.Logging;

namespace Serverless.DurableTask;

/// <summary>The durable adapter's log messages, with stable event ids. Orchestrator messages go through a replay-safe logger.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Instance {InstanceId} runs workflow {Workflow} version {Version} (execution {Generation})")]
    public static partial void ExecutionStarted(ILogger logger, string instanceId, string workflow, int? version, int generation);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Instance {InstanceId} {Outcome}")]
    public static partial void ExecutionEnded(ILogger logger, string instanceId, string outcome);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Instance {InstanceId} failed with {ErrorType}")]
    public static partial void ExecutionFailed(ILogger logger, string instanceId, string errorType);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "Terminating child {InstanceId} failed; it may have ended already")]
    public static partial void TerminateFailed(ILogger logger, string instanceId, Exception exception);
}
