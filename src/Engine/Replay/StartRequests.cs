using System.Text.Json;

namespace Serverless.Engine.Replay;

/// <summary>Helpers for the start and rerun endpoints of a host whose instances live in Durable Functions.</summary>
internal static class StartRequests
{
    /// <summary>
    /// True when an existing instance's serialized orchestration input is the same start as
    /// <paramref name="workflow"/>, <paramref name="version"/> and <paramref name="input"/> (an idempotent repeat),
    /// false when anything differs (a conflict). Property names compare case-insensitively, values by JSON equality.
    /// </summary>
    public static bool IsSameStart(string? serializedInput, string workflow, int version, JsonElement input)
    {
        if (ReadInput(serializedInput) is not { } existing)
        {
            return false;
        }

        return string.Equals(existing.Workflow, workflow, StringComparison.Ordinal)
            && existing.Version == version
            && JsonElement.DeepEquals(existing.Input, input);
    }

    /// <summary>Reads a serialized <see cref="OrchestrationInput"/>; null when it is absent or not one.</summary>
    public static OrchestrationInput? ReadInput(string? serializedInput)
    {
        if (string.IsNullOrWhiteSpace(serializedInput))
        {
            return null;
        }

        try
        {
            var input = JsonSerializer.Deserialize<OrchestrationInput>(serializedInput, JsonSerializerOptions.Web);
            return input is { Workflow: not null } ? input : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
