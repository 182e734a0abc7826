using Serverless.Cli.Api;
using Serverless.Cli.Rendering;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary>An action on one instance, or its batch form over a filter (<see cref="InstanceBatch"/>).</summary>
internal abstract class InstanceActionCommand(IAnsiConsole console) : ApiCommand<InstanceActionSettings>(console)
{
    /// <summary>The action's verb, in the past tense for reports: "terminated".</summary>
    protected abstract string Done { get; }

    /// <summary>The action's verb: "terminate".</summary>
    protected abstract string Verb { get; }

    /// <summary>Acts on one instance.</summary>
    protected abstract Task<ApiResponse> ActAsync(WorkflowsApiClient client, string id, string? reason, CancellationToken cancellationToken);

    protected sealed override async Task<int> RunAsync(InstanceActionSettings settings, WorkflowsApiClient client, CancellationToken cancellationToken)
    {
        if (settings.Id is { } id)
        {
            var response = await ActAsync(client, id, settings.Reason, cancellationToken);
            if (settings.Output == OutputFormat.Text)
            {
                Out.MarkupLine($"[green]✔[/] {Done} {Markup.Escape(id)}");
            }
            else
            {
                JsonOutput.Write(Out, new { id, action = Verb, status = response.Status, body = response.Body.ValueKind == System.Text.Json.JsonValueKind.Undefined ? (object?)null : response.Body });
            }

            return ExitCodes.Ok;
        }

        return await InstanceBatch.RunAsync(
            Out, client, settings, settings.Yes, Verb, Done, each => ActAsync(client, each, settings.Reason, cancellationToken), cancellationToken);
    }
}
