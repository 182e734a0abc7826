namespace Serverless.Engine.Decisions;

/// <summary>The runtime status of an instance, in Durable Functions' words.</summary>
public enum InstanceStatus
{
    /// <summary>Created, not started.</summary>
    Pending,
    /// <summary>Running.</summary>
    Running,
    /// <summary>Completed with an output.</summary>
    Completed,
    /// <summary>Failed with an error.</summary>
    Failed,
    /// <summary>Terminated through the API.</summary>
    Terminated,
    /// <summary>Suspended through the API; events wait until it resumes.</summary>
    Suspended,
}
