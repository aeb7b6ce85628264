using System;
using System.Collections.Generic;
using System.Globalization;

namespace Rules.Runtime.Matching;

/// <summary>
/// A date field's mapping <c>format</c> from a user schema, as Elasticsearch applies it when it indexes a document:
/// alternatives separated by <c>||</c>, tried in order. Each alternative is one of Elasticsearch's named formats
/// <c>strict_date_optional_time</c> / <c>date_optional_time</c> / <c>strict_date_optional_time_nanos</c>,
/// <c>epoch_millis</c>, <c>epoch_second</c>, or a Java-style pattern of the subset <c>yyyy</c>/<c>uuuu</c>, <c>MM</c>,
/// <c>dd</c>, <c>HH</c>, <c>mm</c>, <c>ss</c>, <c>S</c>..<c>SSSSSSSSS</c>, punctuation (<c>- / . : ,</c> and space)
/// and <c>'quoted'</c> text. The generator accepts exactly this subset (DR8001 otherwise; docs/rule-files.md). Fields
/// a pattern leaves out default as Java's do (midnight); there is no zone letter, so the time is UTC, Elasticsearch's
/// default zone. Parsing allocates nothing.
/// </summary>
public sealed class JavaDateFormat
{
    private enum Part
    {
        Year,
        Month,
        Day,
        Hour,
        Minute,
        Second,
        Fraction,
        Literal,
        StrictDateOptionalTime,
        EpochMillis,
        EpochSecond,
    }

    private readonly record struct Token(Part Part, int Width, string? Text);

    private readonly Token[][] _alternatives;

    private JavaDateFormat(string pattern, Token[][] alternatives)
    {
        Pattern = pattern;
        _alternatives = alternatives;
    }

    public string Pattern { get; }

    /// <summary>Compiles <paramref name="pattern"/>; throws <see cref="FormatException"/> outside the supported subset.</summary>
    public static JavaDateFormat Parse(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var alternatives = new List<Token[]>();
        foreach (var alternative in pattern.Split("||"))
        {
            alternatives.Add(Compile(alternative));
        }

        return new JavaDateFormat(pattern, alternatives.ToArray());
    }

    /// <summary>Parses <paramref name="text"/> with the first alternative that takes all of it.</summary>
    public bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        foreach (var alternative in _alternatives)
        {
            if (TryParse(alternative, text, out value))
            {
                return true;
            }
        }

        value = default;
        return false;
    }

    private static Token[] Compile(string alternative)
    {
        switch (alternative)
        {
            case "strict_date_optional_time" or "date_optional_time" or "strict_date_optional_time_nanos":
                return new[] { new Token(Part.StrictDateOptionalTime, 0, null) };
            case "epoch_millis":
                return new[] { new Token(Part.EpochMillis, 0, null) };
            case "epoch_second":
                return new[] { new Token(Part.EpochSecond, 0, null) };
        }

        var tokens = new List<Token>();
        for (var i = 0; i < alternative.Length;)
        {
            var c = alternative[i];
            if (c == '\'')
            {
                var close = alternative.IndexOf('\'', i + 1);
                if (close < 0)
                {
                    throw new FormatException($"Date format '{alternative}': a quoted literal is not closed.");
                }

                // '' inside a pattern is a literal quote in Java.
                tokens.Add(new Token(Part.Literal, 0, close == i + 1 ? "'" : alternative.Substring(i + 1, close - i - 1)));
                i = close + 1;
                continue;
            }

            var run = 1;
            while (i + run < alternative.Length && alternative[i + run] == c)
            {
                run++;
            }

            Token? token = c switch
            {
                'y' or 'u' when run == 4 => new Token(Part.Year, 4, null),
                'M' when run == 2 => new Token(Part.Month, 2, null),
                'd' when run == 2 => new Token(Part.Day, 2, null),
                'H' when run == 2 => new Token(Part.Hour, 2, null),
                'm' when run == 2 => new Token(Part.Minute, 2, null),
                's' when run == 2 => new Token(Part.Second, 2, null),
                'S' when run <= 9 => new Token(Part.Fraction, run, null),
                '-' or '/' or '.' or ':' or ',' or ' ' => new Token(Part.Literal, 0, new string(c, run)),
                _ => null,
            };
            tokens.Add(token ?? throw new FormatException($"Date format '{alternative}': '{new string(c, run)}' is not supported."));
            i += run;
        }

        return tokens.ToArray();
    }

    private static bool TryParse(Token[] tokens, ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (tokens.Length == 1)
        {
            switch (tokens[0].Part)
            {
                case Part.StrictDateOptionalTime:
                    return ValueCoercion.TryStrictDateOptionalTime(text, out value);
                case Part.EpochMillis:
                    return ValueCoercion.TryEpochMillis(text, out value);
                case Part.EpochSecond:
                    return double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
                           && ValueCoercion.TryFromEpochMillis(seconds * 1000, out value);
            }
        }

        int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
        long ticks = 0;
        var position = 0;
        foreach (var token in tokens)
        {
            if (token.Part == Part.Literal)
            {
                if (!text[position..].StartsWith(token.Text))
                {
                    return false;
                }

                position += token.Text!.Length;
                continue;
            }

            if (position + token.Width > text.Length || !int.TryParse(text.Slice(position, token.Width), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            position += token.Width;
            switch (token.Part)
            {
                case Part.Year: year = number; break;
                case Part.Month: month = number; break;
                case Part.Day: day = number; break;
                case Part.Hour: hour = number; break;
                case Part.Minute: minute = number; break;
                case Part.Second: second = number; break;
                case Part.Fraction:
                    // S..SSSSSSSSS: the digits are a fraction of a second; DateTimeOffset keeps 100 ns.
                    var scaled = (long)number;
                    for (var digits = token.Width; digits < 7; digits++)
                    {
                        scaled *= 10;
                    }

                    for (var digits = token.Width; digits > 7; digits--)
                    {
                        scaled /= 10;
                    }

                    ticks = scaled;
                    break;
            }
        }

        if (position != text.Length || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        value = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero).AddTicks(ticks);
        return true;
    }
}
