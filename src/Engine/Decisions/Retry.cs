using System.Text;
using System.Text.Json;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Decisions;

/// <summary>Where retries are decided: which retrier handles an error, and how long to wait.</summary>
internal static class Retry
{
    /// <summary>The index of the first retrier whose <c>errors</c> match, or -1.</summary>
    public static int FindRetrier(IReadOnlyList<RetryPolicy> retriers, WorkflowError error)
    {
        for (var i = 0; i < retriers.Count; i++)
        {
            foreach (var matcher in retriers[i].Errors)
            {
                if (Matches(matcher, error))
                {
                    return i;
                }
            }
        }

        return -1;
    }

    /// <summary>Whether one <c>errors</c> entry matches <paramref name="error"/>.</summary>
    public static bool Matches(string matcher, WorkflowError error)
    {
        if (matcher == "ALL")
        {
            return error.Type switch
            {
                ErrorTypes.ExpressionError or ErrorTypes.ValidationError or ErrorTypes.Terminated or ErrorTypes.OutputTooLarge => false,
                ErrorTypes.HttpError => HttpStatus(error) is not { } s || s is < 400 or >= 500 or 408 or 429,
                _ => true,
            };
        }

        const string httpPrefix = "HttpError:";
        if (matcher.StartsWith(httpPrefix, StringComparison.Ordinal))
        {
            if (error.Type != ErrorTypes.HttpError || HttpStatus(error) is not { } status)
            {
                return false;
            }

            var code = matcher.AsSpan(httpPrefix.Length);
            return code switch
            {
                "4xx" => status is >= 400 and < 500,
                "5xx" => status is >= 500 and < 600,
                _ => int.TryParse(code, out var exact) && exact == status,
            };
        }

        return string.Equals(matcher, error.Type, StringComparison.Ordinal);
    }

    /// <summary>
    /// The delay before retry number <paramref name="retry"/> (1 for the first retry):
    /// min(interval × backoff^(retry-1), maxInterval), then full jitter in [0, delay] from a seed of <paramref name="seedKey"/>.
    /// </summary>
    public static TimeSpan Delay(RetryPolicy policy, int retry, string seedKey)
    {
        var raw = policy.Interval.TotalMilliseconds * Math.Pow(policy.Backoff, retry - 1);
        var capped = Math.Min(raw, policy.MaxInterval.TotalMilliseconds);
        if (policy.Jitter == JitterKind.Full)
        {
            capped *= UnitInterval(seedKey);
        }

        return TimeSpan.FromMilliseconds(Math.Floor(capped));
    }

    /// <summary>A deterministic number in [0, 1] from a string: FNV-1a then SplitMix64, stable across processes and .NET versions.</summary>
    public static double UnitInterval(string seedKey)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(seedKey))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        hash += 0x9E3779B97F4A7C15UL;
        hash = (hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9UL;
        hash = (hash ^ (hash >> 27)) * 0x94D049BB133111EBUL;
        hash ^= hash >> 31;
        return (hash >> 11) * (1.0 / (1UL << 53));
    }

    private static int? HttpStatus(WorkflowError error)
        => error.Details is { ValueKind: JsonValueKind.Object } d
           && d.TryGetProperty("status", out var s)
           && s.TryGetInt32(out var status) ? status : null;
}
