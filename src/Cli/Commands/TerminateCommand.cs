using Serverless.Cli.Api;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>terminate &lt;id&gt;</c>, or every instance a filter matches with <c>--yes</c>.</summary>
internal sealed class TerminateCommand(IAnsiConsole console) : InstanceActionCommand(console)
{
    protected override string Done => "terminated";

    protected override string Verb => "terminate";

    protected override Task<ApiResponse> ActAsync(WorkflowsApiClient client, string id, string? reason, CancellationToken cancellationToken)
        => client.ControlAsync(id, "terminate", reason, cancellationToken);
}
