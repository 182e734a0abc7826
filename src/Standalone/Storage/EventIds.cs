namespace Serverless.Standalone.Storage;

/// <summary>
/// The ids of the events the standalone host feeds the decider. The decider applies an event id once, so an id says
/// which deliveries are the same event: the same node attempt, timer or child end always gets the same id, and each
/// API call a fresh one. Ids are stored in the state row (the applied-event set), so their spelling is part of the
/// stored format.
/// </summary>
internal static class EventIds
{
    /// <summary>The start of an instance (one per instance; a rerun is its own event).</summary>
    public const string Start = "start";

    /// <summary>The result of the node attempt with idempotency key <paramref name="key"/>.</summary>
    public static string NodeDone(string key) => "done:" + key;

    /// <summary>The firing of timer <paramref name="timerId"/>.</summary>
    public static string TimerFired(string timerId) => "timer:" + timerId;

    /// <summary>The end of child <paramref name="childInstanceId"/>, as the child reports it to its parent.</summary>
    public static string ChildDone(string childInstanceId) => "child-done:" + childInstanceId;

    /// <summary>The failure of child <paramref name="childInstanceId"/> to start (its workflow is not registered).</summary>
    public static string ChildNotStarted(string childInstanceId) => "child:" + childInstanceId;

    /// <summary>The parent <paramref name="parentInstanceId"/> terminating its child.</summary>
    public static string TerminatedByParent(string parentInstanceId) => "terminate:" + parentInstanceId;

    /// <summary>A raise through the API.</summary>
    public static string Raised() => "event:" + Fresh();

    /// <summary>A terminate through the API.</summary>
    public static string Terminate() => "terminate:" + Fresh();

    /// <summary>A suspend through the API.</summary>
    public static string Suspend() => "suspend:" + Fresh();

    /// <summary>A resume through the API.</summary>
    public static string Resume() => "resume:" + Fresh();

    /// <summary>A rerun through the API.</summary>
    public static string Rerun() => "rerun:" + Fresh();

    private static string Fresh() => Guid.NewGuid().ToString("N");
}
