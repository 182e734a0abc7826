using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Serverless.Engine.Decisions;

namespace Serverless.Engine.Hosting;

/// <summary>
/// The <c>customStatus</c> object of the HTTP API: <c>{workflow, version, counts, running, failed, error}</c>,
/// bounded so it always serializes under Durable Functions' limit of 16 KB of UTF-16 text (8,192 characters).
/// </summary>
/// <param name="Workflow">The workflow name.</param>
/// <param name="Version">The pinned version.</param>
/// <param name="Counts">Node counts by status.</param>
/// <param name="Running">Up to <see cref="MaxPaths"/> running node paths.</param>
/// <param name="Failed">Up to <see cref="MaxPaths"/> failed node paths.</param>
/// <param name="Error">The instance's error once failed.</param>
public sealed record ProgressStatus(
    [property: JsonPropertyName("workflow")] string Workflow,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("counts")] ProgressCounts Counts,
    [property: JsonPropertyName("running")] ImmutableArray<string> Running,
    [property: JsonPropertyName("failed")] ImmutableArray<string> Failed,
    [property: JsonPropertyName("error")] ProgressError? Error)
{
    /// <summary>Most paths listed per status.</summary>
    public const int MaxPaths = 20;

    /// <summary>Longest path kept (longer ones are cut with an ellipsis).</summary>
    public const int MaxPathLength = 100;

    /// <summary>Longest error message kept.</summary>
    public const int MaxMessageLength = 512;

    /// <summary>Longest error type kept.</summary>
    public const int MaxTypeLength = 64;

    /// <summary>Projects <paramref name="state"/>; nodes of <paramref name="plan"/> not yet reached count as pending.</summary>
    public static ProgressStatus From(WorkflowPlan plan, InstanceState state)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(state);
        int succeeded = 0, failed = 0, skipped = 0, cancelled = 0, running = 0, pending = 0;
        var runningPaths = ImmutableArray.CreateBuilder<string>();
        var failedPaths = ImmutableArray.CreateBuilder<string>();
        var rootIds = plan.Root.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        var reachedTopLevel = 0;
        foreach (var (path, node) in state.Nodes)
        {
            if (rootIds.Contains(path))
            {
                reachedTopLevel++;
            }

            switch (node.Status)
            {
                case NodeStatus.Succeeded: succeeded++; break;
                case NodeStatus.Skipped: skipped++; break;
                case NodeStatus.Cancelled: cancelled++; break;
                case NodeStatus.Pending: pending++; break;
                case NodeStatus.Failed:
                    failed++;
                    Add(failedPaths, path);
                    break;
                case NodeStatus.Running:
                    running++;
                    Add(runningPaths, path);
                    break;
            }
        }

        pending += Math.Max(0, plan.Root.Nodes.Length - reachedTopLevel);
        var error = state.Error is { } e ? new ProgressError(Cut(e.Type, MaxTypeLength), Cut(e.Message, MaxMessageLength)) : null;
        return new ProgressStatus(
            state.Workflow,
            state.Version,
            new ProgressCounts(succeeded, failed, skipped, cancelled, running, pending),
            runningPaths.ToImmutable(),
            failedPaths.ToImmutable(),
            error);
    }

    private static void Add(ImmutableArray<string>.Builder paths, string path)
    {
        if (paths.Count < MaxPaths)
        {
            paths.Add(Cut(path, MaxPathLength));
        }
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}

/// <summary>Node counts by status.</summary>
public sealed record ProgressCounts(
    [property: JsonPropertyName("succeeded")] int Succeeded,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("skipped")] int Skipped,
    [property: JsonPropertyName("cancelled")] int Cancelled,
    [property: JsonPropertyName("running")] int Running,
    [property: JsonPropertyName("pending")] int Pending);

/// <summary>The instance error in the custom status (details are left out to stay under the size limit).</summary>
public sealed record ProgressError(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("message")] string Message);
