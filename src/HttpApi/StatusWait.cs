using System.Globalization;
using Microsoft.AspNetCore.Http;
using Serverless.Engine.Api;

namespace Serverless.HttpApi;

/// <summary>
/// The long-poll of the status routes: <c>waitForChange=&lt;a lastUpdatedTime the client saw&gt;</c> holds the answer
/// until the instance's <c>lastUpdatedTime</c> differs from it or <c>timeout</c> seconds (1 to 60, default 30) pass.
/// </summary>
/// <param name="Seen">The <c>lastUpdatedTime</c> the client saw.</param>
/// <param name="Timeout">How long to hold the answer at most.</param>
internal sealed record StatusWait(DateTimeOffset Seen, TimeSpan Timeout)
{
    /// <summary>The <c>timeout</c> when the request names none.</summary>
    public const int DefaultTimeoutSeconds = 30;

    /// <summary>The largest <c>timeout</c>.</summary>
    public const int MaxTimeoutSeconds = 60;

    /// <summary>
    /// How often the status is read again while nothing signals a change: a backend signals only the changes its own
    /// process saves (the standalone host), or none (Durable Task), and other processes may change the instance.
    /// </summary>
    public static readonly TimeSpan ReadInterval = TimeSpan.FromSeconds(1);

    /// <summary>Reads <c>waitForChange</c> and <c>timeout</c>; <paramref name="wait"/> is null without <c>waitForChange</c>.</summary>
    public static ApiError? TryParse(HttpRequest request, out StatusWait? wait)
    {
        ArgumentNullException.ThrowIfNull(request);
        wait = null;
        var seconds = DefaultTimeoutSeconds;
        var timeout = RequestBodies.Query(request, "timeout");
        if (!string.IsNullOrEmpty(timeout)
            && (!int.TryParse(timeout, NumberStyles.None, CultureInfo.InvariantCulture, out seconds) || seconds < 1 || seconds > MaxTimeoutSeconds))
        {
            return ApiError.Invalid("timeout", $"timeout must be a whole number of seconds from 1 to {MaxTimeoutSeconds}, not '{ApiValidation.Shorten(timeout)}'.");
        }

        var seen = RequestBodies.Query(request, "waitForChange");
        if (string.IsNullOrEmpty(seen))
        {
            return null;
        }

        if (!TryReadTime(seen, out var time))
        {
            return ApiError.Invalid("waitForChange",
                $"waitForChange must be a lastUpdatedTime of the instance (an ISO 8601 timestamp such as 2026-01-31T12:00:00.0000000Z), not '{ApiValidation.Shorten(seen)}'.");
        }

        wait = new StatusWait(time, TimeSpan.FromSeconds(seconds));
        return null;
    }

    /// <summary>
    /// Reads the status until its <c>lastUpdatedTime</c> differs from <see cref="Seen"/> or <see cref="Timeout"/>
    /// passes, and answers the last read (null at once when the instance does not exist). Reads again when the backend
    /// signals a change, and every <see cref="ReadInterval"/> besides.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> ended the wait (the client left).</exception>
    public async Task<InstanceStatusAnswer?> WaitAsync(
        IInstanceBackend backend, string instanceId, StatusQuery show, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        while (true)
        {
            using var round = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

            // Listen before reading, so a change saved between the read and the wait still wakes this round.
            var changed = backend.WaitForChangeAsync(instanceId, round.Token);
            var answer = await backend.GetStatusAsync(instanceId, show, cancellationToken);
            var left = Timeout - time.GetElapsedTime(started);
            if (answer is null || !IsSeen(answer) || left <= TimeSpan.Zero)
            {
                await round.CancelAsync();
                return answer;
            }

            await Task.WhenAny(changed, Task.Delay(left < ReadInterval ? left : ReadInterval, time, round.Token));
            cancellationToken.ThrowIfCancellationRequested();
            await round.CancelAsync();
        }
    }

    private bool IsSeen(InstanceStatusAnswer answer)
        => answer.Status["lastUpdatedTime"]?.GetValue<string>() is { } text && TryReadTime(text, out var updated) && updated == Seen;

    private static bool TryReadTime(string text, out DateTimeOffset time)
        => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
}
