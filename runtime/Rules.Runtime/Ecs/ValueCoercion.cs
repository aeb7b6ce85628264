using System;
using System.Globalization;

namespace Rules.Runtime;

/// <summary>
/// The conversions Elasticsearch applies when a JSON value's shape differs from the field's mapping (docs/event-record.md,
/// "Coercion"): numeric fields accept numeric strings and truncate fractions for integer types (mapping parameter
/// <c>coerce</c>, on by default), boolean fields accept "true", "false" and "" (false), date fields use the default
/// format <c>strict_date_optional_time||epoch_millis</c>, keyword fields index numbers and booleans as their text.
/// </summary>
internal static class ValueCoercion
{
    public static bool TryInteger(ReadOnlySpan<char> text, out long value)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return TryIntegerFromFloat(real, out value);
        }

        value = 0;
        return false;
    }

    /// <summary>Truncates toward zero as Elasticsearch does for integer fields; NaN, infinities and out-of-range fail.</summary>
    public static bool TryIntegerFromFloat(double real, out long value)
    {
        var truncated = Math.Truncate(real);
        if (double.IsFinite(truncated) && truncated >= -9.2233720368547758E+18 && truncated < 9.2233720368547758E+18)
        {
            value = (long)truncated;
            return true;
        }

        value = 0;
        return false;
    }

    public static bool TryFloat(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>Elasticsearch booleans: true, false, "true", "false", and "" as false; anything else is rejected.</summary>
    public static bool TryBoolean(ReadOnlySpan<char> text, out bool value)
    {
        if (text.SequenceEqual("true"))
        {
            value = true;
            return true;
        }

        value = false;
        return text.Length == 0 || text.SequenceEqual("false");
    }

    /// <summary><c>strict_date_optional_time||epoch_millis</c>, tried in that order as Elasticsearch does.</summary>
    public static bool TryDate(ReadOnlySpan<char> text, out DateTimeOffset value) =>
        TryStrictDateOptionalTime(text, out value) || TryEpochMillis(text, out value);

    public static bool TryEpochMillis(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length == 0 || !double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var millis))
        {
            return false;
        }

        return TryFromEpochMillis(millis, out value);
    }

    public static bool TryFromEpochMillis(double millis, out DateTimeOffset value)
    {
        value = default;
        const double MinMillis = -62135596800000d; // 0001-01-01
        const double MaxMillis = 253402300799999d; // 9999-12-31T23:59:59.999
        if (!double.IsFinite(millis) || millis < MinMillis || millis > MaxMillis)
        {
            return false;
        }

        value = DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(millis * TimeSpan.TicksPerMillisecond));
        return true;
    }

    /// <summary>
    /// yyyy[-MM[-dd]][T HH[:mm[:ss[.fraction]]]][Z|±HH[:mm]]; no zone means UTC. Fractions beyond 7 digits (date_nanos
    /// has 9) are truncated to the 100 ns precision of DateTimeOffset.
    /// </summary>
    public static bool TryStrictDateOptionalTime(ReadOnlySpan<char> s, out DateTimeOffset value)
    {
        value = default;
        var i = 0;
        if (!Digits(s, ref i, 4, out var year))
        {
            return false;
        }

        int month = 1, day = 1, hour = 0, minute = 0, second = 0;
        long fractionTicks = 0;
        if (i < s.Length && s[i] == '-')
        {
            i++;
            if (!Digits(s, ref i, 2, out month))
            {
                return false;
            }

            if (i < s.Length && s[i] == '-')
            {
                i++;
                if (!Digits(s, ref i, 2, out day))
                {
                    return false;
                }
            }
        }

        if (i < s.Length && s[i] == 'T')
        {
            i++;
            if (!Digits(s, ref i, 2, out hour))
            {
                return false;
            }

            if (i < s.Length && s[i] == ':')
            {
                i++;
                if (!Digits(s, ref i, 2, out minute))
                {
                    return false;
                }

                if (i < s.Length && s[i] == ':')
                {
                    i++;
                    if (!Digits(s, ref i, 2, out second))
                    {
                        return false;
                    }

                    if (i < s.Length && (s[i] == '.' || s[i] == ','))
                    {
                        i++;
                        var start = i;
                        long scale = TimeSpan.TicksPerSecond;
                        while (i < s.Length && char.IsAsciiDigit(s[i]))
                        {
                            scale /= 10;
                            fractionTicks += (s[i] - '0') * scale;
                            i++;
                        }

                        if (i == start || i - start > 9)
                        {
                            return false;
                        }
                    }
                }
            }
        }

        var offset = TimeSpan.Zero;
        if (i < s.Length)
        {
            if (s[i] == 'Z' && i + 1 == s.Length)
            {
                i++;
            }
            else if (s[i] == '+' || s[i] == '-')
            {
                var sign = s[i] == '-' ? -1 : 1;
                i++;
                if (!Digits(s, ref i, 2, out var offsetHours))
                {
                    return false;
                }

                var offsetMinutes = 0;
                if (i < s.Length && s[i] == ':')
                {
                    i++;
                }

                if (i < s.Length && !Digits(s, ref i, 2, out offsetMinutes))
                {
                    return false;
                }

                if (offsetHours > 18 || offsetMinutes > 59)
                {
                    return false;
                }

                offset = new TimeSpan(sign * offsetHours, sign * offsetMinutes, 0);
            }
        }

        if (i != s.Length || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month)
            || year < 1 || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        try
        {
            value = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(fractionTicks);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            // Only at the very ends of the range (year 1 with a positive offset, year 9999 with a negative one).
            return false;
        }
    }

    private static bool Digits(ReadOnlySpan<char> s, ref int i, int count, out int value)
    {
        value = 0;
        if (i + count > s.Length)
        {
            return false;
        }

        for (var k = 0; k < count; k++)
        {
            var c = s[i + k];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        i += count;
        return true;
    }

    /// <summary>Dates are written back in the ISO 8601 form Elasticsearch shows for strict_date_optional_time.</summary>
    public static string FormatDate(DateTimeOffset date) =>
        date.Offset == TimeSpan.Zero
            ? date.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)
            : date.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    public static string FormatFloat(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
