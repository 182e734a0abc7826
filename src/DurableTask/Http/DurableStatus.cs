using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DurableTask.Client;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.Engine.Replay;
using Serverless.HttpApi;

namespace Serverless.DurableTask.Http;

/// <summary>
/// The Durable status object of an orchestration, built from Durable Task's record of it as the Durable Functions
/// extension's status route answers, in the standalone host's shape: <c>{name, instanceId, runtimeStatus, input,
/// customStatus, output, createdTime, lastUpdatedTime}</c>.
/// </summary>
/// <remarks>
/// Where it differs from the standalone host, it says what Durable says: <c>name</c> is the orchestrator's
/// (<see cref="TaskNames.Orchestrator"/>; the workflow is <c>customStatus.workflow</c>), and <c>output</c> of a Failed
/// instance is Durable's failure text (<c>type: message</c>), of a Terminated one the terminate reason. <c>input</c>
/// is the start's <c>{workflow, version, input}</c> without the state a ContinueAsNew or rerun carries.
/// </remarks>
internal static class DurableStatus
{
    /// <summary>True for Completed, Failed and Terminated.</summary>
    public static bool IsFinal(OrchestrationRuntimeStatus status)
        => status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;

    /// <summary>The API's <c>runtimeStatus</c>: Durable's name.</summary>
    public static string RuntimeStatusName(OrchestrationRuntimeStatus status) => status.ToString();

    /// <summary>The Durable statuses a query's statuses select (the API's six are Durable's own names).</summary>
    public static IReadOnlyList<OrchestrationRuntimeStatus> ToDurable(IEnumerable<InstanceStatus> statuses)
        => [.. statuses.Distinct().Select(s => Enum.Parse<OrchestrationRuntimeStatus>(s.ToString()))];

    /// <summary>What identifies a query's filter (not its page size) for <see cref="ListToken"/>.</summary>
    public static string Filter(InstanceQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return string.Join(
            '\n',
            "durable",
            query.InstanceIdPrefix ?? "",
            string.Join(',', query.Statuses.Distinct().Order()),
            query.CreatedFrom?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? "",
            query.CreatedTo?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? "");
    }

    /// <summary>
    /// The status object of <paramref name="instance"/> (read with its inputs and outputs) as <paramref name="show"/>
    /// asks for it. <paramref name="state"/> is the instance's checkpointed state, when read: a Terminated instance's
    /// <c>customStatus</c> is built from it (with the terminate applied), and <c>historyEvents</c> from its node records.
    /// </summary>
    public static JsonObject Build(OrchestrationMetadata instance, InstanceState? state, WorkflowPlan? plan, StatusQuery show)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(show);
        var customStatus = instance.RuntimeStatus == OrchestrationRuntimeStatus.Terminated && state is not null
            ? StatusBuilder.BuildCustomStatus(state, plan)
            : Parse(instance.SerializedCustomStatus);
        var status = new JsonObject
        {
            ["name"] = instance.Name,
            ["instanceId"] = instance.InstanceId,
            ["runtimeStatus"] = RuntimeStatusName(instance.RuntimeStatus),
            ["input"] = Input(instance.SerializedInput, state, customStatus),
            ["customStatus"] = customStatus,
            ["output"] = Output(instance),
            ["createdTime"] = StatusBuilder.FormatTime(instance.CreatedAt),
            ["lastUpdatedTime"] = StatusBuilder.FormatTime(instance.LastUpdatedAt),
        };
        if (!show.ShowInput)
        {
            status.Remove("input");
        }

        if (show.ShowHistory)
        {
            // Before the first checkpoint there are no node records to build a history from.
            status["historyEvents"] = state is null ? new JsonArray() : HistoryEvents.Build(state, plan, show.ShowHistoryOutput);
        }

        return status;
    }

    // The start's {workflow, version, input}; a child started without a version reads it from its state or progress.
    private static JsonNode? Input(string? serialized, InstanceState? state, JsonNode? customStatus)
    {
        if (StartRequests.ReadInput(serialized) is not { } start)
        {
            return Parse(serialized);
        }

        var version = start.Version ?? state?.Version
            ?? (customStatus is JsonObject progress && progress["version"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : null);
        return new JsonObject
        {
            ["workflow"] = start.Workflow,
            ["version"] = version,
            ["input"] = StatusBuilder.ToNode(start.Input),
        };
    }

    private static JsonNode? Output(OrchestrationMetadata instance) => instance.RuntimeStatus switch
    {
        OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Terminated => Parse(instance.SerializedOutput),
        OrchestrationRuntimeStatus.Failed => instance.FailureDetails?.ErrorMessage is { } text ? JsonValue.Create(text) : Parse(instance.SerializedOutput),
        _ => null,
    };

    // Durable keeps JSON written by the client's data converter; anything else (text from elsewhere) stays text.
    private static JsonNode? Parse(string? serialized)
    {
        if (serialized is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(serialized);
        }
        catch (JsonException)
        {
            return JsonValue.Create(serialized);
        }
    }
}
