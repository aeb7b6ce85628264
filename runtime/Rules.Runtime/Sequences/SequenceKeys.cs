using System;
using System.Globalization;
using System.Text;

namespace Rules.Runtime.Sequences;

/// <summary>
/// Renders join-key values as the strings the sequence engine compares (ordinally). Generated key extraction calls
/// these. A string is returned as is (no allocation); a boolean is a constant; a number or date allocates its text.
/// Elasticsearch compares key values as the values fetched from the document; the renderings are canonical so equal
/// values give equal strings: integers in invariant decimal, floats as the shortest round-trip text ("R"), dates as
/// UTC ISO-8601 with milliseconds, booleans "true"/"false". A multi-valued key is its values in order, joined by
/// U+001F (Elasticsearch compares the value lists); one value renders as that value; none is null.
/// </summary>
public static class SequenceKeys
{
    private const char ValueSeparator = '\u001F';

    public static string? Render(string? value) => value;

    public static string? Render(long? value) => value?.ToString(CultureInfo.InvariantCulture);

    public static string? Render(double? value) => value?.ToString("R", CultureInfo.InvariantCulture);

    public static string? Render(bool? value) => value is null ? null : value.Value ? "true" : "false";

    public static string? Render(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string? Render(ReadOnlySpan<string> values)
    {
        if (values.Length <= 1)
        {
            return values.Length == 0 ? null : values[0];
        }

        var b = new StringBuilder();
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                b.Append(ValueSeparator);
            }

            b.Append(values[i]);
        }

        return b.ToString();
    }

    public static string? Render(ReadOnlySpan<long> values) => Join(values, static v => Render(v)!);

    public static string? Render(ReadOnlySpan<double> values) => Join(values, static v => Render(v)!);

    public static string? Render(ReadOnlySpan<bool> values) => Join(values, static v => Render(v)!);

    public static string? Render(ReadOnlySpan<DateTimeOffset> values) => Join(values, static v => Render(v)!);

    private static string? Join<T>(ReadOnlySpan<T> values, Func<T, string> render)
    {
        if (values.Length <= 1)
        {
            return values.Length == 0 ? null : render(values[0]);
        }

        var b = new StringBuilder();
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                b.Append(ValueSeparator);
            }

            b.Append(render(values[i]));
        }

        return b.ToString();
    }
}
