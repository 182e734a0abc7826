using System.Globalization;

namespace Serverless.Engine.Definitions;

/// <summary>
/// Parses the ISO 8601 durations the workflow format allows: <c>PnW</c>, or <c>PnDTnHnMnS</c> with every part
/// optional (at least one present, in that order). No years or months, because their length depends on the
/// calendar. Only seconds may have a fraction (up to 7 decimal places, a <c>.</c> separator). At most 365 days.
/// </summary>
internal static class Durations
{
    /// <summary>The longest duration allowed.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(365);

    private const int MaxDigits = 9;
    private const int MaxFractionDigits = 7;

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <param name="text">The duration, e.g. <c>PT30S</c>.</param>
    /// <param name="value">The duration when valid.</param>
    /// <param name="error">Why it is invalid, when it is.</param>
    /// <returns>True when <paramref name="text"/> is a valid duration (zero included).</returns>
    public static bool TryParse(string text, out TimeSpan value, out string? error)
    {
        value = TimeSpan.Zero;
        error = Parse(text, out var ticks);
        if (error is null)
        {
            value = TimeSpan.FromTicks(ticks);
        }

        return error is null;
    }

    /// <summary>Formats a duration the way the format writes it (for messages).</summary>
    public static string Format(TimeSpan value)
    {
        if (value.Ticks % TimeSpan.TicksPerDay == 0)
        {
            return "P" + (value.Ticks / TimeSpan.TicksPerDay).ToString(CultureInfo.InvariantCulture) + "D";
        }

        var text = "P";
        if (value.Days > 0)
        {
            text += value.Days.ToString(CultureInfo.InvariantCulture) + "D";
        }

        text += "T";
        if (value.Hours > 0)
        {
            text += value.Hours.ToString(CultureInfo.InvariantCulture) + "H";
        }

        if (value.Minutes > 0)
        {
            text += value.Minutes.ToString(CultureInfo.InvariantCulture) + "M";
        }

        var seconds = value.Ticks % TimeSpan.TicksPerMinute / (decimal)TimeSpan.TicksPerSecond;
        if (seconds > 0)
        {
            text += seconds.ToString("0.#######", CultureInfo.InvariantCulture) + "S";
        }

        return text;
    }

    private static string? Parse(string text, out long ticks)
    {
        ticks = 0;
        var shape = $"'{text}' is not an ISO 8601 duration like PT30S, PT5M, P1DT12H or P2W";
        if (text.Length < 2 || text[0] != 'P')
        {
            return shape;
        }

        decimal total = 0;
        var inTime = false;
        var partsInTime = 0;
        var parts = 0;
        var lastRank = -1;
        var i = 1;
        while (i < text.Length)
        {
            if (text[i] == 'T')
            {
                if (inTime)
                {
                    return shape;
                }

                inTime = true;
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start)
            {
                return shape;
            }

            if (i - start > MaxDigits)
            {
                return $"'{text}' has a number that is too large";
            }

            decimal number = long.Parse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture);
            var hasFraction = false;
            if (i < text.Length && (text[i] == '.' || text[i] == ','))
            {
                if (text[i] == ',')
                {
                    return $"'{text}': write a fraction with '.'";
                }

                i++;
                var fractionStart = i;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                var digits = i - fractionStart;
                if (digits == 0)
                {
                    return shape;
                }

                if (digits > MaxFractionDigits)
                {
                    return $"'{text}' has more than {MaxFractionDigits} decimal places";
                }

                number += long.Parse(text.AsSpan(fractionStart, digits), NumberStyles.None, CultureInfo.InvariantCulture)
                    / (decimal)Math.Pow(10, digits);
                hasFraction = true;
            }

            if (i == text.Length)
            {
                return shape;
            }

            var designator = text[i++];
            int rank;
            long unit;
            switch (designator)
            {
                case 'Y':
                    return $"'{text}': years are not allowed (their length depends on the calendar); use days or weeks";
                case 'M' when !inTime:
                    return $"'{text}': months are not allowed (their length depends on the calendar); use days or weeks";
                case 'W':
                    if (inTime || parts > 0 || i != text.Length)
                    {
                        return $"'{text}': weeks (PnW) cannot be combined with other parts";
                    }

                    rank = 0;
                    unit = TimeSpan.TicksPerDay * 7;
                    break;
                case 'D' when !inTime:
                    rank = 0;
                    unit = TimeSpan.TicksPerDay;
                    break;
                case 'H' when inTime:
                    rank = 1;
                    unit = TimeSpan.TicksPerHour;
                    break;
                case 'M':
                    rank = 2;
                    unit = TimeSpan.TicksPerMinute;
                    break;
                case 'S' when inTime:
                    rank = 3;
                    unit = TimeSpan.TicksPerSecond;
                    break;
                default:
                    return shape;
            }

            if (rank <= lastRank)
            {
                return $"'{text}' repeats a part or has them out of order (PnDTnHnMnS)";
            }

            if (hasFraction && designator != 'S')
            {
                return $"'{text}': only seconds may have a fraction";
            }

            lastRank = rank;
            parts++;
            if (inTime)
            {
                partsInTime++;
            }

            total += number * unit;
        }

        if (parts == 0 || (inTime && partsInTime == 0))
        {
            return shape;
        }

        if (total > Max.Ticks)
        {
            return $"'{text}' is longer than 365 days";
        }

        ticks = (long)total;
        return null;
    }
}
