using Serverless.Cli.Api;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>suspend &lt;id&gt;</c>, or every instance a filter matches with <c>--yes</c>.</summary>
internal sealed class SuspendCommand(IAnsiConsole console) : InstanceActionCommand(console)
{
    protected override string Done => "suspended";

    protected override string Verb => "suspend";

    protected override Task<ApiResponse> ActAsync(WorkflowsApiClient client, string id, string? reason, CancellationToken cancellationToken)
        => client.ControlAsync(id, "suspend", reason, cancellationToken);
}
