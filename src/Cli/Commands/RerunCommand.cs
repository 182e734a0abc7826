using Serverless.Cli.Api;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>rerun &lt;id&gt;</c>, or every instance a filter matches with <c>--yes</c>.</summary>
internal sealed class RerunCommand(IAnsiConsole console) : InstanceActionCommand(console)
{
    protected override string Done => "rerun";

    protected override string Verb => "rerun";

    protected override Task<ApiResponse> ActAsync(WorkflowsApiClient client, string id, string? reason, CancellationToken cancellationToken)
        => client.RerunAsync(id, cancellationToken);
}
