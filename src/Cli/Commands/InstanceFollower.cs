using System.Text.Json;
using Serverless.Cli.Api;
using Serverless.Cli.Rendering;

namespace Serverless.Cli.Commands;

/// <summary>Follows an instance with the status long-poll (<c>waitForChange</c>), never a sleep loop.</summary>
internal static class InstanceFollower
{
    /// <summary>The long-poll's wait per request, in seconds.</summary>
    public const int WaitSeconds = 30;

    /// <summary>
    /// Calls <paramref name="onChange"/> with every new status from <paramref name="status"/> on until the instance is
    /// final or <paramref name="deadline"/> passes; returns the last status read.
    /// </summary>
    public static async Task<JsonElement> FollowAsync(
        WorkflowsApiClient client,
        string id,
        JsonElement status,
        DateTimeOffset? deadline,
        Func<JsonElement, Task> onChange,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(onChange);
        while (!StatusStyle.IsFinal(Formats.Text(status, "runtimeStatus")))
        {
            var wait = WaitSeconds;
            if (deadline is { } end)
            {
                var left = end - DateTimeOffset.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    break;
                }

                wait = Math.Clamp((int)Math.Ceiling(left.TotalSeconds), 1, WaitSeconds);
            }

            var seen = Formats.Text(status, "lastUpdatedTime") ?? "";
            status = await client.WaitForChangeAsync(id, seen, wait, cancellationToken);
            if (Formats.Text(status, "lastUpdatedTime") != seen)
            {
                await onChange(status);
            }
        }

        return status;
    }
}
