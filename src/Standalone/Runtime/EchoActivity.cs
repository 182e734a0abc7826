using System.Text.Json;
using Serverless.Engine.Execution;

namespace Serverless.Standalone.Runtime;

/// <summary>The built-in <c>echo</c> activity: returns its input. Handy to try the host and to measure it.</summary>
internal sealed class EchoActivity : IWorkflowActivity<JsonElement, JsonElement>
{
    /// <summary>The name nodes use.</summary>
    public const string Name = "echo";

    public Task<JsonElement> RunAsync(JsonElement input, ActivityContext context, CancellationToken cancellationToken) => Task.FromResult(input);
}
