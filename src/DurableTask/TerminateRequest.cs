namespace Serverless.DurableTask;

/// <summary>Input of <see cref="TaskNames.TerminateInstance"/>.</summary>
/// <param name="InstanceId">The instance to terminate.</param>
/// <param name="Reason">Why.</param>
internal sealed record TerminateRequest(string InstanceId, string Reason);
