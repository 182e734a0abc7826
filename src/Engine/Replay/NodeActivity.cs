using Serverless.Engine.Execution;
using Serverless.Engine.Registry;

namespace Serverless.Engine.Replay;

/// <summary>
/// The body of the node activity: finds the node in the pinned definition and runs one attempt through the
/// <see cref="INodeExecutor"/>. Failures are values; only a missing definition or node is reported as an error too.
/// </summary>
internal sealed class NodeActivity
{
    private readonly IDefinitionSource _definitions;
    private readonly INodeExecutor _executor;
    private readonly WorkflowCompiler _compiler;

    /// <summary>Creates the activity body; plans come from <paramref name="compiler"/>, the host's one compiler.</summary>
    public NodeActivity(IDefinitionSource definitions, INodeExecutor executor, WorkflowCompiler compiler)
    {
        _definitions = definitions ?? throw new ArgumentNullException(nameof(definitions));
        _executor = executor ?? throw new ArgumentNullException(nameof(executor));
        _compiler = compiler ?? throw new ArgumentNullException(nameof(compiler));
    }

    /// <summary>Runs one attempt of <paramref name="request"/>'s node work.</summary>
    public async Task<NodeResult> RunAsync(NodeActivityRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_compiler.TryGetCompiled(request.Workflow, request.Version, out var plan))
        {
            var snapshot = await _definitions.GetAsync(request.Workflow, request.Version, cancellationToken);
            if (snapshot is null)
            {
                return NodeResult.From(NodeOutcome.Failure(new WorkflowError(
                    ErrorTypes.WorkflowNotFound, $"Workflow '{request.Workflow}' version {request.Version} is not registered.")));
            }

            try
            {
                plan = _compiler.Compile(request.Workflow, snapshot.Version, snapshot.Json);
            }
            catch (InvalidDefinitionException ex)
            {
                return NodeResult.From(NodeOutcome.Failure(new WorkflowError(ErrorTypes.ValidationError, ex.Message)));
            }
        }

        if (!plan.Nodes.TryGetValue(request.Command.NodeId, out var node))
        {
            return NodeResult.From(NodeOutcome.Failure(new WorkflowError(
                ErrorTypes.ValidationError, $"Node '{request.Command.NodeId}' is not in workflow '{request.Workflow}' version {request.Version}.")));
        }

        var work = new NodeWork(request.InstanceId, node.Definition, request.Command)
        {
            Workflow = request.Workflow,
            Version = request.Version,
            Trace = request.Trace,
            Epoch = request.Epoch,
            ScheduledAt = request.ScheduledAt,
        };
        var outcome = await _executor.ExecuteAsync(work, cancellationToken);
        return NodeResult.From(outcome);
    }
}
