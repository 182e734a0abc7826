using Serverless.Engine.Definitions;

namespace Serverless.Engine.Execution;

/// <summary>The <see cref="INodeExecutor"/> hosts resolve: routes work to the executor of its node type.</summary>
internal sealed class NodeExecutor(HttpNodeExecutor http, ActivityNodeExecutor activities) : INodeExecutor
{
    public Task<NodeOutcome> ExecuteAsync(NodeWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return work.Node switch
        {
            HttpNode => http.ExecuteAsync(work, cancellationToken),
            ActivityNode => activities.ExecuteAsync(work, cancellationToken),

            // The decider only sends RunNode for http and activity nodes: anything else is a host bug.
            _ => throw new ArgumentException(
                $"Node '{work.Node.Id}' is a {work.Node.GetType().Name}; only http and activity nodes are executed.", nameof(work)),
        };
    }
}
