using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;

namespace Serverless.HttpApi;

/// <summary>
/// The query parameters of the Durable status routes, as Durable Functions reads them: <c>showInput</c> (default true)
/// omits <c>input</c> when false; <c>showHistory</c> adds <c>historyEvents</c>, with results only when
/// <c>showHistoryOutput</c> is also true. Values are <c>true</c> or <c>false</c> (any case); anything else is 400.
/// </summary>
internal sealed record StatusQuery(bool ShowInput, bool ShowHistory, bool ShowHistoryOutput)
{
    /// <summary>Reads the parameters of <paramref name="request"/>.</summary>
    public static ApiError? TryParse(HttpRequest request, out StatusQuery query)
    {
        ArgumentNullException.ThrowIfNull(request);
        query = new StatusQuery(true, false, false);
        bool showInput = true, showHistory = false, showHistoryOutput = false;
        var error = Flag(request, "showInput", ref showInput)
            ?? Flag(request, "showHistory", ref showHistory)
            ?? Flag(request, "showHistoryOutput", ref showHistoryOutput);
        if (error is not null)
        {
            return error;
        }

        query = new StatusQuery(showInput, showHistory, showHistoryOutput);
        return null;
    }

    /// <summary>The status object of <paramref name="state"/> as these parameters ask for it.</summary>
    public JsonObject Build(InstanceState state, WorkflowPlan? plan)
    {
        var status = StatusBuilder.Build(state, plan);
        if (!ShowInput)
        {
            status.Remove("input");
        }

        if (ShowHistory)
        {
            status["historyEvents"] = HistoryEvents.Build(state, plan, ShowHistoryOutput);
        }

        return status;
    }

    private static ApiError? Flag(HttpRequest request, string name, ref bool value)
    {
        var text = RequestBodies.Query(request, name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!bool.TryParse(text, out value))
        {
            return ApiError.Invalid(name, $"{name} must be true or false, not '{ApiValidation.Shorten(text)}'.");
        }

        return null;
    }
}
