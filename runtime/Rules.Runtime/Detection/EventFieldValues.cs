using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;

namespace Rules.Runtime;

/// <summary>
/// Field values of an event by dotted path, as the strings Elasticsearch would use as aggregation keys (keyword
/// values as is, numbers in invariant form, booleans as true/false, dates in ISO 8601 UTC). Table-driven through
/// <see cref="EcsEvent.TryGet"/> (the generated ECS field table, then overflow): no reflection. Used by aggregation,
/// suppression and mappings, off the matching hot path; it boxes scalars, which the aggregation cost dominates.
/// </summary>
public static class EventFieldValues
{
    /// <summary>Appends every value of the field (none when absent or null); returns how many were added.</summary>
    public static int AppendStrings(EcsEvent e, string path, List<string> into)
    {
        if (!e.TryGet(path, out var value) || value is null)
        {
            return 0;
        }

        var before = into.Count;
        if (value is string text)
        {
            into.Add(text);
        }
        else if (value is IEnumerable values)
        {
            foreach (var item in values)
            {
                if (item is not null)
                {
                    into.Add(Format(item));
                }
            }
        }
        else
        {
            into.Add(Format(value));
        }

        return into.Count - before;
    }

    /// <summary>The field's values, or an empty array.</summary>
    public static string[] GetStrings(EcsEvent e, string path)
    {
        var values = new List<string>(1);
        AppendStrings(e, path, values);
        return values.ToArray();
    }

    /// <summary>The field's first value as a string, or null.</summary>
    public static string? GetFirstString(EcsEvent e, string path)
    {
        var values = new List<string>(1);
        return AppendStrings(e, path, values) > 0 ? values[0] : null;
    }

    /// <summary>The field's first value as a date (a date field, or text Elasticsearch's date parser accepts).</summary>
    public static DateTimeOffset? GetDate(EcsEvent e, string path)
    {
        if (path == "@timestamp")
        {
            return e.Timestamp ?? (e.Overflow.TryGet(path, out var raw) ? AsDate(raw) : null);
        }

        return e.TryGet(path, out var value) ? AsDate(value) : null;
    }

    private static DateTimeOffset? AsDate(object? value) => value switch
    {
        DateTimeOffset date => date,
        string text when ValueCoercion.TryDate(text, out var parsed) => parsed,
        long millis => DateTimeOffset.FromUnixTimeMilliseconds(millis),
        IEnumerable values and not string => First(values),
        _ => null,
    };

    private static DateTimeOffset? First(IEnumerable values)
    {
        foreach (var item in values)
        {
            return AsDate(item);
        }

        return null;
    }

    /// <summary>One value as Elasticsearch prints an aggregation key.</summary>
    public static string Format(object value) => value switch
    {
        string text => text,
        bool flag => flag ? "true" : "false",
        long integer => integer.ToString(CultureInfo.InvariantCulture),
        int integer => integer.ToString(CultureInfo.InvariantCulture),
        double real => real.ToString("R", CultureInfo.InvariantCulture),
        DateTimeOffset date => FormatDate(date),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>ISO 8601 in UTC with milliseconds, as Elasticsearch prints a date.</summary>
    public static string FormatDate(DateTimeOffset date) =>
        date.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
