using System.Globalization;
using System.Text.Json;

namespace Serverless.Cli.Rendering;

/// <summary>How times, durations and JSON values read in text output.</summary>
internal static class Formats
{
    /// <summary>The string property <paramref name="name"/> of <paramref name="element"/>, or null.</summary>
    public static string? Text(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>The property <paramref name="name"/> when present and not null.</summary>
    public static JsonElement? Property(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    /// <summary>An ISO 8601 timestamp of the API.</summary>
    public static DateTimeOffset? Time(JsonElement element, string name)
        => Text(element, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;

    /// <summary>A timestamp as <c>2026-11-22 22:09:23Z</c>.</summary>
    public static string Time(DateTimeOffset? time)
        => time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "";

    /// <summary>A duration as <c>120ms</c>, <c>4.2s</c> or <c>3m05s</c>.</summary>
    public static string Duration(TimeSpan duration) => duration.TotalSeconds switch
    {
        < 1 => FormattableString.Invariant($"{Math.Max(0, (int)duration.TotalMilliseconds)}ms"),
        < 60 => FormattableString.Invariant($"{duration.TotalSeconds:0.0}s"),
        < 3600 => FormattableString.Invariant($"{(int)duration.TotalMinutes}m{duration.Seconds:00}s"),
        _ => FormattableString.Invariant($"{(int)duration.TotalHours}h{duration.Minutes:00}m"),
    };

    /// <summary>A JSON value on one line, cut to <paramref name="max"/> characters.</summary>
    public static string Compact(JsonElement value, int max = 80)
    {
        var text = value.GetRawText();
        text = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
        return text.Length > max ? text[..(max - 1)] + "…" : text;
    }
}
