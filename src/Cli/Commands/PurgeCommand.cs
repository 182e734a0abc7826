using Serverless.Cli.Api;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>purge &lt;id&gt;</c>, or every instance a filter matches with <c>--yes</c>.</summary>
internal sealed class PurgeCommand(IAnsiConsole console) : InstanceActionCommand(console)
{
    protected override string Done => "purged";

    protected override string Verb => "purge";

    protected override Task<ApiResponse> ActAsync(WorkflowsApiClient client, string id, string? reason, CancellationToken cancellationToken)
        => client.PurgeAsync(id, cancellationToken);
}
