namespace Serverless.Engine.Decisions;

/// <summary>Rules of <see cref="InstanceStatus"/> that every host shares.</summary>
public static class InstanceStatusExtensions
{
    extension(InstanceStatus status)
    {
        /// <summary>True for Completed, Failed and Terminated: the instance decides nothing more until a rerun.</summary>
        public bool IsFinal => status is InstanceStatus.Completed or InstanceStatus.Failed or InstanceStatus.Terminated;
    }
}
