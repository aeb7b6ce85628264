using System;
using System.Globalization;

namespace Rules.Runtime.Sequences;

/// <summary>
/// Renders join-key values as the strings the sequence engine compares (ordinally). Generated key extraction calls
/// these. A string is returned as is (no allocation); a boolean is a constant; a number or date allocates its text.
/// Elasticsearch compares key values as the values fetched from the document; the renderings are canonical so equal
/// values give equal strings: integers in invariant decimal, floats as the shortest round-trip text ("R"), dates as
/// UTC ISO-8601 with milliseconds (what Elasticsearch returns as a sequence's date join key, test_extra.toml byDate),
/// booleans "true"/"false". Multi-valued keys: <see cref="SequenceKeyBuffer"/>.
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
}
