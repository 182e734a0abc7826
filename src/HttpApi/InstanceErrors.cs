using Serverless.Engine.Api;

namespace Serverless.HttpApi;

/// <summary>
/// The refusals every <see cref="IInstanceBackend"/> answers in the same words, so a client sees the same error body
/// from either host.
/// </summary>
internal static class InstanceErrors
{
    /// <summary>404: no instance has <paramref name="instanceId"/> (an id no instance can have is shortened).</summary>
    public static ApiError NotFound(string instanceId)
        => ApiError.NotFound($"Instance '{(ApiValidation.IsPossibleInstanceId(instanceId) ? instanceId : ApiValidation.Shorten(instanceId))}' does not exist.");

    /// <summary>410: an event, terminate, suspend or resume for a Completed, Failed or Terminated instance.</summary>
    public static ApiError Final(string instanceId) => ApiError.Gone($"Instance '{instanceId}' is final; it takes no more events.");

    /// <summary>409: a purge of an instance that is <paramref name="status"/>, not final.</summary>
    public static ApiError NotFinal(string instanceId, string status)
        => ApiError.Conflict($"Instance '{instanceId}' is {status}; terminate it and wait until it is Terminated before purging.");
}
