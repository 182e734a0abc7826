namespace Serverless.Engine.Replay;

/// <summary>Reads registered definitions for activities (outside orchestrator code: I/O is allowed).</summary>
internal interface IDefinitionSource
{
    /// <summary>One version of <paramref name="workflow"/> (null: the latest), or null when it is not registered.</summary>
    Task<DefinitionSnapshot?> GetAsync(string workflow, int? version, CancellationToken cancellationToken);
}
