using Serverless.Cli.Api;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>resume &lt;id&gt;</c>, or every instance a filter matches with <c>--yes</c>.</summary>
internal sealed class ResumeCommand(IAnsiConsole console) : InstanceActionCommand(console)
{
    protected override string Done => "resumed";

    protected override string Verb => "resume";

    protected override Task<ApiResponse> ActAsync(WorkflowsApiClient client, string id, string? reason, CancellationToken cancellationToken)
        => client.ControlAsync(id, "resume", reason, cancellationToken);
}
