using System.ComponentModel;
using System.Text.Json;
using Serverless.Cli.Api;
using Serverless.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Serverless.Cli.Commands;

/// <summary>
/// <c>workflows diagram &lt;workflow&gt; [--format mermaid|tree]</c>: the diagram route's Mermaid text, or the nodes as a
/// text tree (bodies nested, each node with its type and what it runs after).
/// </summary>
internal sealed class WorkflowsDiagramCommand(IAnsiConsole console) : ApiCommand<WorkflowsDiagramCommand.Settings>(console)
{
    protected override async Task<int> RunAsync(Settings settings, WorkflowsApiClient client, CancellationToken cancellationToken)
    {
        if (settings.Format == "mermaid")
        {
            var mermaid = await client.GetMermaidAsync(settings.Workflow, settings.Version, cancellationToken);
            Out.Profile.Out.Writer.Write(mermaid.EndsWith('\n') ? mermaid : mermaid + "\n");
            return ExitCodes.Ok;
        }

        var definition = await client.GetWorkflowAsync(settings.Workflow, settings.Version, cancellationToken);
        var tree = new Tree($"[bold]{Markup.Escape(settings.Workflow)}[/] v{Formats.Property(definition, "version")}");
        AddNodes(tree, definition);
        Out.Write(tree);
        return ExitCodes.Ok;
    }

    private static void AddNodes(IHasTreeNodes parent, JsonElement scope)
    {
        if (Formats.Property(scope, "nodes") is not { ValueKind: JsonValueKind.Object } nodes)
        {
            return;
        }

        foreach (var node in nodes.EnumerateObject())
        {
            var label = $"[bold]{Markup.Escape(node.Name)}[/] [grey]{Markup.Escape(Formats.Text(node.Value, "type") ?? "?")}[/]";
            if (Formats.Property(node.Value, "runAfter") is { } runAfter)
            {
                var after = runAfter.ValueKind switch
                {
                    JsonValueKind.Array => runAfter.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.String ? a.GetString()! : a.GetRawText()),
                    JsonValueKind.Object => runAfter.EnumerateObject().Select(p => p.Name),
                    _ => [runAfter.ToString()],
                };
                label += $" after {Markup.Escape(string.Join(", ", after))}";
            }

            var child = parent.AddNode(label);
            if (Formats.Property(node.Value, "body") is { ValueKind: JsonValueKind.Object } body && Formats.Text(node.Value, "type") is "foreach" or "loop")
            {
                AddNodes(child, body);
            }
        }
    }

    /// <summary>The options of <c>workflows diagram</c>.</summary>
    public sealed class Settings : WorkflowSettings
    {
        [CommandOption("--format <FORMAT>")]
        [Description("mermaid (default) or tree.")]
        [DefaultValue("mermaid")]
        public string Format { get; set; } = "mermaid";

        public override ValidationResult Validate()
            => Format is "mermaid" or "tree" ? base.Validate() : ValidationResult.Error($"--format must be mermaid or tree, not '{Format}'.");
    }
}
