namespace Serverless.Engine.Decisions;

/// <summary>The status of one node (or one body iteration).</summary>
public enum NodeStatus
{
    /// <summary>Not decided yet.</summary>
    Pending,
    /// <summary>Work, a timer, a wait, a child or iterations are outstanding.</summary>
    Running,
    /// <summary>Finished well.</summary>
    Succeeded,
    /// <summary>Failed.</summary>
    Failed,
    /// <summary>Not run: an outcome was not accepted or its <c>if</c> was false.</summary>
    Skipped,
    /// <summary>Its scope ended before it finished.</summary>
    Cancelled,
}
