using Serverless.Engine.Decisions;

namespace Serverless.Standalone.Storage;

/// <summary>
/// The keys of an instance's outbox: one per command the host still owes (run a node, start or terminate a child).
/// They are stored in the state row, so their spelling is part of the stored format.
/// </summary>
internal static class OutboxKeys
{
    /// <summary>The key of running the node at <paramref name="path"/>.</summary>
    public static string Run(string path) => "run:" + path;

    /// <summary>The key of starting the child <paramref name="childInstanceId"/>.</summary>
    public static string StartChild(string childInstanceId) => "child:" + childInstanceId;

    /// <summary>The key of terminating the child <paramref name="childInstanceId"/>.</summary>
    public static string TerminateChild(string childInstanceId) => "term:" + childInstanceId;

    /// <summary>The outbox key of a command, or null for commands that need no outbox.</summary>
    public static string? Of(WorkflowCommand command) => command switch
    {
        RunNode run => Run(run.Path),
        StartChild start => StartChild(start.ChildInstanceId),
        TerminateChild terminate => TerminateChild(terminate.ChildInstanceId),
        _ => null,
    };
}
