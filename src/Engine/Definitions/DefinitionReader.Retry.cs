using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace Serverless.Engine.Definitions;

/// <summary>Reading of <c>retry</c>: one retrier or an ordered array of them.</summary>
internal sealed partial class DefinitionReader
{
    internal static readonly string[] RetryFields = ["errors", "maxAttempts", "interval", "backoff", "maxInterval", "jitter"];

    /// <summary>Reads a retry value; an empty array means "run once" (it overrides <c>defaults.retry</c>).</summary>
    private ImmutableArray<RetryPolicy>? ReadRetry(JsonElement element, string pointer)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                return ReadRetrier(element, pointer) is { } single ? [single] : null;

            case JsonValueKind.Array:
                var policies = ImmutableArray.CreateBuilder<RetryPolicy>();
                var valid = true;
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    var policy = ReadRetrier(item, JsonPointer.Append(pointer, index++));
                    valid &= policy is not null;
                    if (policy is not null)
                    {
                        policies.Add(policy);
                    }
                }

                return valid ? policies.ToImmutable() : null;

            default:
                _errors.Add(new(pointer, $"'retry' must be a retrier object or an array of retriers, not {Syntax.Kind(element.ValueKind)}"));
                return null;
        }
    }

    private RetryPolicy? ReadRetrier(JsonElement element, string pointer)
    {
        var before = _errors.Count;
        if (ObjectReader.Open(element, pointer, "a retrier", RetryFields, _errors) is not { } reader)
        {
            return null;
        }

        var defaults = RetryPolicy.Default;
        var errors = reader.Get("errors") is { } errorsElement ? ReadMatchers(errorsElement, reader.PathOf("errors")) : defaults.Errors;
        var maxAttempts = reader.GetInt("maxAttempts", min: 1) ?? defaults.MaxAttempts;
        var interval = reader.GetDuration("interval");
        var maxInterval = reader.GetDuration("maxInterval");
        var backoff = defaults.Backoff;
        if (reader.Get("backoff", JsonValueKind.Number) is { } backoffElement)
        {
            backoff = backoffElement.GetDouble();
            if (!double.IsFinite(backoff) || backoff < 1)
            {
                reader.Error("backoff", string.Create(CultureInfo.InvariantCulture, $"'backoff' must be at least 1, not {backoffElement.GetRawText()}"));
            }
        }

        var jitter = defaults.Jitter;
        if (reader.GetString("jitter") is { } jitterText)
        {
            switch (jitterText)
            {
                case "full":
                    jitter = JitterKind.Full;
                    break;
                case "none":
                    jitter = JitterKind.None;
                    break;
                default:
                    reader.Error("jitter", $"'jitter' must be 'full' or 'none', not '{jitterText}'");
                    break;
            }
        }

        var effectiveInterval = interval ?? defaults.Interval;
        var effectiveMax = maxInterval ?? defaults.MaxInterval;
        if (effectiveInterval > effectiveMax && (interval is not null || maxInterval is not null))
        {
            var message = $"'interval' ({Durations.Format(effectiveInterval)}) must not be longer than 'maxInterval' ({Durations.Format(effectiveMax)}"
                + (maxInterval is null ? ", the default)" : ")");
            reader.Error(interval is not null ? "interval" : "maxInterval", message);
        }

        return _errors.Count == before
            ? new RetryPolicy(errors, maxAttempts, effectiveInterval, backoff, effectiveMax, jitter)
            : null;
    }

    private ImmutableArray<string> ReadMatchers(JsonElement element, string pointer)
    {
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() == 0)
        {
            _errors.Add(new(pointer, $"'errors' must be a non-empty array of error types, not {Syntax.Kind(element.ValueKind)}{(element.ValueKind == JsonValueKind.Array ? " that is empty" : "")}"));
            return [];
        }

        var matchers = ImmutableArray.CreateBuilder<string>();
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            var itemPointer = JsonPointer.Append(pointer, index++);
            if (item.ValueKind != JsonValueKind.String)
            {
                _errors.Add(new(itemPointer, $"an error matcher must be a string, not {Syntax.Kind(item.ValueKind)}"));
                continue;
            }

            var matcher = item.GetString()!;
            if (MatcherProblem(matcher) is { } problem)
            {
                _errors.Add(new(itemPointer, problem));
                continue;
            }

            if (!matchers.Contains(matcher))
            {
                matchers.Add(matcher);
            }
        }

        return matchers.ToImmutable();
    }

    private static string? MatcherProblem(string matcher)
    {
        const string httpPrefix = "HttpError:";
        if (matcher == "ALL")
        {
            return null;
        }

        if (matcher.StartsWith(httpPrefix, StringComparison.Ordinal))
        {
            var status = matcher[httpPrefix.Length..];
            return status is "4xx" or "5xx"
                || (status.Length == 3 && status.All(char.IsAsciiDigit) && Syntax.IsStatus(int.Parse(status, CultureInfo.InvariantCulture)))
                ? null
                : $"'{matcher}' must be HttpError:4xx, HttpError:5xx or HttpError: with a status from 100 to 599";
        }

        if (string.Equals(matcher, "ALL", StringComparison.OrdinalIgnoreCase))
        {
            return $"write '{matcher}' as 'ALL' (error types are case-sensitive)";
        }

        return Syntax.ErrorType().IsMatch(matcher)
            ? null
            : $"'{matcher}' is not an error type: use a type such as Timeout, HttpError:5xx, HttpError:429 or ALL";
    }
}
