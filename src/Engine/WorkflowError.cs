using System.Text.Json;

namespace Serverless.Engine;

/// <summary>An error as the workflow format defines it: <c>{type, message, details?}</c>.</summary>
/// <param name="Type">One of <see cref="ErrorTypes"/> or a user-chosen type (from a <c>fail</c> node or an activity).</param>
/// <param name="Message">Human-readable text. Never holds a secret's value.</param>
/// <param name="Details">Optional structured details (an HTTP status, the failed items, ...).</param>
public sealed record WorkflowError(string Type, string Message, JsonElement? Details = null)
{
    /// <summary>Renders the error as Azure Functions renders a failure: <c>type: message</c>.</summary>
    public override string ToString() => $"{Type}: {Message}";
}
